// `ouro metric NAME REAL GENERATED`: distribution metrics between two sample files (.npy float32/
// float64 or integer in C order, or .csv; rows are samples), as text or JSON. `ouro metric all ...`
// prints every metric that applies to the files' dimension. The first file is the real (reference)
// set: precision is the share of the second file's rows inside the first file's k-NN manifold.
// `--columns` chooses the same data columns of both files, by header name or index counting from 0
// (column_selection.hpp); without it every column is read, and a column that looks like row numbers
// is warned about. `--features WEIGHTS.npy` reads both files as 28 x 28 images instead (.npy of
// shape (n, 28, 28) or (n, 784): uint8 levels, or floats in [0, 1]) and compares their LeNet
// features (feature_network.hpp): LeNet-FID and the rest.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "logging.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/io/column_selection.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/distribution_metrics.hpp"
#include "ouro/metrics/feature_network.hpp"

namespace ouro::cli {
namespace {

struct MetricOptions {
  std::string name;
  std::string real_path;
  std::string generated_path;
  std::vector<std::string> columns;  // empty: every column
  std::string features;              // a feature network's weights: the files are images
  std::string format = "text";
  int k = 5;
  int kid_subsets = 100;
  long long kid_subset_size = 1000;
  int projections = 128;
  std::uint64_t seed = 0;
  int threads = 0;
};

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// An image file as rows of 784 values in [0, 1]: uint8 (or any integer) levels are divided by 255,
// floats are taken as they are (the network checks their range, naming the file).
Matrix read_images(const std::string& path) {
  const NpyRows array = read_npy_rows(path);
  const bool shape_ok = (array.shape.size() == 3 && array.shape[1] == 28 && array.shape[2] == 28) ||
                        (array.shape.size() == 2 && array.shape[1] == 784);
  std::string shape;
  for (const auto extent : array.shape) shape += fmt::format("{}{}", shape.empty() ? "" : ", ", extent);
  OURO_CHECK(shape_ok, DataError,
             "{}: shape ({}) is not a stack of 28 x 28 images; --features reads (n, 28, 28) or (n, 784) arrays", path,
             shape);
  if (!array.integer) return array.values;
  for (Eigen::Index i = 0; i < array.values.rows(); ++i)
    for (Eigen::Index j = 0; j < array.values.cols(); ++j)
      OURO_CHECK(array.values(i, j) >= 0 && array.values(i, j) <= 255, DataError,
                 "{}: image {}, pixel {} (counting from 0) is {}; integer images hold levels 0 to 255", path, i, j,
                 array.values(i, j));
  return array.values / 255.0;
}

int run_metric(const MetricOptions& options) {
  configure_logging("", false);  // warnings as every command prints them ("ouro: warning: ...")
  std::string warned;  // the same file given twice is warned about once
  const auto read = [&](const std::string& path) {
    ArrayTable table = read_array_table(path);
    std::string warning;
    if (const auto id = id_like_column(table); id && options.columns.empty())
      warning = id_column_warning(table, *id, path, "--columns");
    DataColumns data = select_columns(std::move(table), options.columns, path, "--columns");
    if (!warning.empty() && warning != warned) spdlog::warn("{}", warning);
    if (!warning.empty()) warned = warning;
    return data;
  };
  DataColumns real_data, generated_data;
  if (options.features.empty()) {
    real_data = read(options.real_path);
    generated_data = read(options.generated_path);
  } else {
    OURO_CHECK(options.columns.empty(), ConfigError, "--columns and --features cannot be combined: --features reads "
               "whole images");
    const FeatureNetwork network = FeatureNetwork::load(options.features);
    for (auto [data, path] : {std::pair{&real_data, &options.real_path}, {&generated_data, &options.generated_path}}) {
      data->values = network.forward(read_images(*path), *path).features;
      data->file = *path;
      data->rows = static_cast<std::size_t>(data->values.rows());
      data->file_columns = static_cast<std::size_t>(data->values.cols());
      for (Eigen::Index j = 0; j < data->values.cols(); ++j) data->indices.push_back(static_cast<std::size_t>(j));
    }
  }
  const Matrix& real = real_data.values;
  const Matrix& generated = generated_data.values;

  DistributionSettings settings;
  settings.k = options.k;
  settings.kid_subsets = options.kid_subsets;
  settings.kid_subset_size = options.kid_subset_size;
  settings.projections = options.projections;
  settings.threads = resolve_threads(options.threads);

  std::vector<std::string> names;
  if (options.name == "all") {
    for (const auto& name : distribution_metric_names())
      if (distribution_metric_applies(name, real.cols())) names.push_back(name);
  } else {
    names.push_back(options.name);
  }
  check_distribution_inputs(names, real, options.real_path, generated, options.generated_path, settings);
  const auto values = compute_distribution_metrics(names, real, generated, settings, options.seed);

  if (options.format == "json") {
    nlohmann::json out;
    const auto file_record = [](const std::string& path, const DataColumns& data) {
      // The path as given, the rows, and the columns used (by index and, with a header, name).
      const nlohmann::json record = columns_record(data);
      return nlohmann::json{{"path", path}, {"rows", record["rows"]}, {"columns", record["columns"]}};
    };
    out["real"] = file_record(options.real_path, real_data);
    out["generated"] = file_record(options.generated_path, generated_data);
    out["dim"] = real.cols();
    if (!options.features.empty()) out["features"] = options.features;
    out["settings"] = {{"k", settings.k},
                       {"kid_subsets", settings.kid_subsets},
                       {"kid_subset_size", std::min<long long>(settings.kid_subset_size,
                                                               std::min(real.rows(), generated.rows()))},
                       {"projections", settings.projections},
                       {"seed", options.seed}};
    nlohmann::json metrics = nlohmann::json::object();
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& v : values) {
      metrics[v.name] = number_or_null(v.value);
      if (v.name == "kid") errors[v.name] = number_or_null(v.standard_error);
    }
    out["metrics"] = metrics;
    out["standard_errors"] = errors;
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& v : values) {
    if (v.name == "kid")
      fmt::print("{:<13} {:.10g} +/- {:.3g} (standard error over {} subsets)\n", v.name, v.value, v.standard_error,
                 settings.kid_subsets);
    else
      fmt::print("{:<13} {:.10g}\n", v.name, v.value);
  }
  // The columns read, when a header names them or --columns chose some.
  if (!real_data.names.empty() || !options.columns.empty()) {
    std::vector<std::string> used;
    for (std::size_t j = 0; j < real_data.indices.size(); ++j)
      used.push_back(real_data.names.empty() ? std::to_string(real_data.indices[j])
                                             : fmt::format("{} ({})", real_data.names[j], real_data.indices[j]));
    fmt::print("# columns of {} (counting from 0): {}\n", options.real_path, fmt::join(used, ", "));
  }
  fmt::print("# real: {} ({} rows), generated: {} ({} rows), dimension {}, k = {}\n", options.real_path, real.rows(),
             options.generated_path, generated.rows(), real.cols(), settings.k);
  if (!options.features.empty()) fmt::print("# on the LeNet features of the images, by {}\n", options.features);
  return 0;
}

}  // namespace

Subcommand add_metric_command(CLI::App& app) {
  auto* sub = app.add_subcommand("metric", "Distribution metrics between a real and a generated sample file");
  auto options = std::make_shared<MetricOptions>();
  std::vector<std::string> choices = distribution_metric_names();
  choices.push_back("all");
  sub->add_option("name", options->name, "Metric: " + fmt::format("{}", fmt::join(choices, ", ")))
      ->required()
      ->check(CLI::IsMember(choices));
  sub->add_option("real", options->real_path,
                  "Real (reference) samples: .npy (float32/float64 or integer, C order) or .csv (docs/data.md)")
      ->required();
  sub->add_option("generated", options->generated_path, "Generated samples, same dimension as the real ones")
      ->required();
  sub->add_option("--columns", options->columns,
                  "Data columns of both files, by header name or index counting from 0 (e.g. eruptions,waiting "
                  "or 1,2); default: every column")
      ->delimiter(',');
  sub->add_option("--features", options->features,
                  "Read both files as 28 x 28 images (.npy (n, 28, 28) or (n, 784), uint8 levels or floats in "
                  "[0, 1]) and compare the LeNet features of this weights .npy (e.g. models/lenet-mnist.npy)");
  sub->add_option("--k", options->k, "k of the k-NN radii (precision, recall, density, coverage)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  sub->add_option("--format", options->format, "Output format")->capture_default_str()->check(
      CLI::IsMember({"text", "json"}));
  sub->add_option("--kid-subsets", options->kid_subsets, "kid: number of random subsets")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  sub->add_option("--kid-subset-size", options->kid_subset_size, "kid: rows per subset (capped at the smaller set)")
      ->capture_default_str()
      ->check(CLI::Range(2LL, 1LL << 40));
  sub->add_option("--projections", options->projections, "sliced_w2: number of random directions")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  sub->add_option("--seed", options->seed, "Seed of the kid subsets and sliced_w2 directions")->capture_default_str();
  sub->add_option("--threads", options->threads, "Worker threads; 0 uses every hardware thread (never changes results)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  return {sub, [options] { return run_metric(*options); }};
}

}  // namespace ouro::cli
