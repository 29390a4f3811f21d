// File truth: the rows of a .npy or .csv file (truth.path) are the real data.
//
// truth.path is absolute by the time it gets here: the config resolves a relative one against the
// folder of the config file that names it (config.hpp). truth.columns chooses the data columns by
// header name or index counting from 0 (column_selection.hpp); with none chosen every column is
// data, and a column that looks like row numbers is warned about (data_columns().warning) rather
// than refused, since a file may hold a counting column that is data.
//
// The test set is held out once per run, identically for every replicate: the row indices are
// shuffled by Fisher-Yates with Rng(seed, {kTestData, 0, 0, 0}); the first metrics.test_samples of
// them are the holdout and the rest, in shuffled order, is the real pool. test_set() returns the
// holdout; sample(n) returns n distinct pool rows chosen uniformly (a partial Fisher-Yates over the
// pool's indices), so the initial data and fresh data never repeat a row within one draw and never
// touch the holdout. moments() are the pool's mean and (1/n) covariance.
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/io/column_selection.hpp"
#include "truth_kinds.hpp"

namespace ouro::detail {
namespace {

Matrix select_rows(const Matrix& x, const std::vector<std::size_t>& indices, std::size_t begin, std::size_t end) {
  Matrix out(static_cast<Eigen::Index>(end - begin), x.cols());
  for (std::size_t i = begin; i < end; ++i) out.row(static_cast<Eigen::Index>(i - begin)) = x.row(static_cast<Eigen::Index>(indices[i]));
  return out;
}

class FileTruth final : public Truth {
 public:
  FileTruth(std::string path, Matrix holdout, Matrix pool, DataColumns columns)
      : path_(std::move(path)), holdout_(std::move(holdout)), pool_(std::move(pool)), columns_(std::move(columns)) {
    columns_.values = Matrix();  // the rows live in holdout_ and pool_
    moments_.mean = pool_.colwise().mean().transpose();
    const Matrix centered = pool_.rowwise() - moments_.mean.transpose();
    moments_.cov = (centered.transpose() * centered) / static_cast<double>(pool_.rows());
  }

  std::string_view kind() const override { return "file"; }
  Eigen::Index dim() const override { return pool_.cols(); }

  Matrix sample(std::size_t n, Rng& rng) const override {
    const auto size = static_cast<std::size_t>(pool_.rows());
    OURO_CHECK(n <= size, DataError,
               "truth.path {}: asked for {} distinct real samples but the real pool holds {} rows (the file's rows "
               "minus the {} held out for metrics.test_samples)",
               path_, n, size, holdout_.rows());
    std::vector<std::size_t> indices(size);
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i) std::swap(indices[i], indices[i + rng.below(size - i)]);
    return select_rows(pool_, indices, 0, n);
  }

  Matrix test_set(std::size_t n, Rng& /*rng*/) const override {
    OURO_CHECK(n == static_cast<std::size_t>(holdout_.rows()), DataError,
               "truth.path {}: the file truth holds out {} rows (metrics.test_samples when it was built), asked for {}",
               path_, holdout_.rows(), n);
    return holdout_;
  }

  std::optional<Moments> moments() const override { return moments_; }
  const DataColumns* data_columns() const override { return &columns_; }

 private:
  std::string path_;
  Matrix holdout_;
  Matrix pool_;
  DataColumns columns_;
  Moments moments_;
};

}  // namespace

std::unique_ptr<Truth> make_file_truth(const Config& config, std::uint64_t seed) {
  const std::string& path = config.text("truth.path");
  if (path.empty()) config.fail("truth.path", "a file truth needs the path of a .npy or .csv file");
  // A file truth's dimension is its columns; a truth.dim set beside it would be silently ignored.
  if (config.user_set("truth.dim"))
    config.fail("truth.dim", "a file truth's dimension is the number of its data columns; choose them with truth.columns");
  DataColumns data;
  // The reader's message names the file; the prefix says which setting pointed at it.
  try {
    ArrayTable table = read_array_table(path);
    const std::vector<std::string> wanted =
        config.has("truth.columns") ? config.texts("truth.columns") : std::vector<std::string>();
    std::string warning;
    if (wanted.empty()) {
      if (const auto id = id_like_column(table)) warning = id_column_warning(table, *id, path, "truth.columns");
    }
    data = select_columns(std::move(table), wanted, path, "truth.columns");
    data.warning = std::move(warning);
  } catch (const IoError& e) {
    throw IoError(fmt::format("{}: truth.path: {}", config.where("truth.path"), e.what()));
  } catch (const DataError& e) {
    throw DataError(fmt::format("{}: truth.path: {}", config.where("truth.path"), e.what()));
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", config.has("truth.columns") ? config.where("truth.columns") : "default", e.what()));
  }
  const Matrix& rows = data.values;
  const auto n = static_cast<std::size_t>(rows.rows());
  const auto test = static_cast<std::size_t>(config.integer("metrics.test_samples"));
  if (test >= n) {
    config.fail("metrics.test_samples",
                fmt::format("the file truth {} has {} rows; holding out {} for the test set leaves none for the real "
                            "pool (use at most {})",
                            path, n, test, n - 1));
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng(seed, {Purpose::kTestData, 0, 0, 0});
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  Matrix holdout = select_rows(rows, order, 0, test);
  Matrix pool = select_rows(rows, order, test, n);
  return std::make_unique<FileTruth>(path, std::move(holdout), std::move(pool), std::move(data));
}

}  // namespace ouro::detail
