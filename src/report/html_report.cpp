// Building report.html (see html_report.hpp): summaries and page data in C++, drawing in the
// browser. Numbers are rounded to 6 significant digits, which no chart can tell apart and which
// keeps a 1000-generation metric to a few tens of kilobytes.
#include "ouro/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/metrics/metric_info.hpp"
#include "ouro/report/summary.hpp"
#include "report_assets.hpp"

namespace ouro::report {
namespace {

using nlohmann::json;

// The section of the metric docs on means that rest on a few replicates (linked from a theory gap).
constexpr const char* kHeavyTailDocs = "docs/metrics.md#heavy-tailed-metrics";

// A log axis reads better once the positive values span more than this ratio (two decades).
constexpr double kLogSpan = 100.0;

json rounded(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::stod(fmt::format("{:.6g}", v));
}

void flatten(const json& value, const std::string& prefix, std::map<std::string, json>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, item] : value.items()) flatten(item, prefix.empty() ? key : prefix + "." + key, out);
  } else {
    out[prefix] = value;
  }
}

// The configured run.generations (generations 0..G are recorded, G + 1 rows per replicate); a run
// folder without it (never written by this version) falls back to the highest generation recorded.
json configured_generations(const RunData& run) {
  const json& config = run.info["config"];
  if (config.contains("run") && config["run"].contains("generations") && config["run"]["generations"].is_number_integer()) {
    return config["run"]["generations"];
  }
  return run.generations == 0 ? 0 : run.generations - 1;
}

json run_entry(const RunData& run, const std::string& name) {
  const json& info = run.info;
  std::map<std::string, json> timings;
  if (info.contains("timings_seconds")) flatten(info["timings_seconds"], "", timings);
  json flat_timings = json::object();
  for (const auto& [key, value] : timings) flat_timings[key] = value.is_number() ? rounded(value.get<double>()) : value;
  return {{"name", name},
          {"dir", run.dir.string()},
          {"replicates", run.replicates},
          {"generations", configured_generations(run)},
          {"seed", info.value("seed", json())},
          {"threads", info.value("threads", json())},
          {"version", info.value("version", json())},
          {"config_file", info.value("config_file", json())},
          {"config", info["config"]},
          {"timings", flat_timings}};
}

json metric_entry(const std::string& name, const std::vector<RunData>& runs, Band band) {
  json rows = json::array();
  json theory = json::array();
  double min_positive = std::numeric_limits<double>::infinity();
  double max_value = -std::numeric_limits<double>::infinity();
  double min_drawn = std::numeric_limits<double>::infinity();
  bool all_positive = true;
  auto see = [&](double v) {
    if (!std::isfinite(v)) return;
    if (v <= 0.0) all_positive = false;
    else min_positive = std::min(min_positive, v);
    max_value = std::max(max_value, v);
    min_drawn = std::min(min_drawn, v);
  };
  struct Row {
    std::size_t run, generation;
    BandStat stat;
  };
  std::vector<Row> stats;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (const MetricValues& metric : runs[r].metrics) {
      if (metric.name != name) continue;
      for (std::size_t g = 0; g < metric.values.size(); ++g) {
        if (metric.values[g].empty()) continue;
        stats.push_back({r, g, summarize(metric.values[g])});
        see(stats.back().stat.mean);
      }
    }
    if (const auto it = runs[r].theory.find(name); it != runs[r].theory.end()) {
      for (std::size_t g = 0; g < it->second.size(); ++g) {
        if (!std::isfinite(it->second[g])) continue;
        theory.push_back({r, g, rounded(it->second[g])});
        see(it->second[g]);
      }
    }
  }
  // The metric's real-versus-real floor (<name>_floor rows, the same value at every generation of
  // a replicate): its mean over replicates, drawn as a flat line across the run's generations.
  json floor = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const MetricValues* floor_values = nullptr;
    std::size_t first = 0, last = 0;
    bool any = false;
    for (const MetricValues& metric : runs[r].metrics) {
      if (metric.name == name + "_floor") floor_values = &metric;
      if (metric.name != name) continue;
      for (std::size_t g = 0; g < metric.values.size(); ++g) {
        if (metric.values[g].empty()) continue;
        if (!any) first = g;
        last = g;
        any = true;
      }
    }
    if (floor_values == nullptr || !any) continue;
    const auto& values = floor_values->values;
    const auto recorded = std::find_if(values.begin(), values.end(), [](const auto& v) { return !v.empty(); });
    if (recorded == values.end()) continue;
    const double mean = summarize(*recorded).mean;
    if (!std::isfinite(mean)) continue;
    see(mean);
    floor.push_back({r, first, rounded(mean)});
    floor.push_back({r, last, rounded(mean)});
  }
  const bool log_scale = all_positive && std::isfinite(min_positive) && max_value / min_positive > kLogSpan;
  for (const Row& row : stats) {
    const BandStat& s = row.stat;
    double low = band == Band::kQuantile ? s.q10 : s.mean - s.standard_error;
    double high = band == Band::kQuantile ? s.q90 : s.mean + s.standard_error;
    // A log axis cannot show a band reaching zero or below; it is cut at the chart's smallest value.
    if (log_scale && std::isfinite(low) && low <= 0.0) low = min_positive;
    if (log_scale && std::isfinite(high) && high <= 0.0) high = min_positive;
    rows.push_back({row.run, row.generation, rounded(s.mean), rounded(low), rounded(high), s.count, rounded(s.median),
                    rounded(s.standard_error)});
  }
  json entry = {{"name", name}, {"log", log_scale}, {"rows", rows}, {"theory", theory}, {"floor", floor}};
  if (const MetricInfo* info = metric_info(name)) {
    entry["description"] = info->description;
    entry["unit"] = info->unit;
    entry["better"] = better_text(*info);
  }
  // Every mean and theory value equal (oov_rate is fixed by the vocabulary): the page gives the
  // axis a span around the value, since a zero-height domain has no readable ticks.
  if (!stats.empty() && max_value == min_drawn) entry["constant"] = rounded(max_value);
  // Theory gaps at each run's last generation with both a mean and a closed form: the state the
  // run ends in, and one test per run rather than one per generation (of 1000 generations a few
  // would pass 3 s.e. by chance).
  json gaps = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto curve = runs[r].theory.find(name);
    if (curve == runs[r].theory.end()) continue;
    const Row* last = nullptr;
    for (const Row& row : stats) {
      if (row.run == r && row.generation < curve->second.size() && std::isfinite(curve->second[row.generation])) last = &row;
    }
    if (last == nullptr) continue;
    const double expected = curve->second[last->generation];
    const TheoryGap gap = theory_gap(last->stat, expected);
    if (!gap.disagrees) continue;
    gaps.push_back({{"run", r}, {"generation", last->generation}, {"mean", rounded(last->stat.mean)},
                    {"median", rounded(last->stat.median)}, {"expected", rounded(expected)},
                    {"standard_errors", rounded(gap.standard_errors)},
                    {"heavy_tailed", gap.heavy_tailed}, {"tail_share", rounded(last->stat.tail_share)},
                    {"replicates", last->stat.count}});
  }
  entry["theory_gaps"] = gaps;
  return entry;
}

json config_differences(const std::vector<RunData>& runs) {
  std::vector<std::map<std::string, json>> flat(runs.size());
  std::vector<std::string> keys;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    flatten(runs[r].info["config"], "", flat[r]);
    for (const auto& [key, value] : flat[r]) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  std::sort(keys.begin(), keys.end());
  json out = json::array();
  for (const std::string& key : keys) {
    json values = json::array();
    bool differ = false;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto it = flat[r].find(key);
      values.push_back(it == flat[r].end() ? json("(absent)") : it->second);
      if (r > 0 && values[r] != values[0]) differ = true;
    }
    if (differ) out.push_back({{"key", key}, {"values", values}});
  }
  return out;
}

// Legend and table names that tell the runs apart: the folder names, or where two share one, the
// folder name with the config values that differ between the runs.
std::vector<std::string> distinct_names(const std::vector<RunData>& runs, const json& differences) {
  std::vector<std::string> names;
  for (const RunData& run : runs) names.push_back(run.name);
  const auto unique = [&] {
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  };
  if (unique()) return names;
  std::vector<std::string> keys;
  for (const json& d : differences) keys.push_back(d["key"].get<std::string>());
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::string suffix;
    for (const json& d : differences) {
      const json& v = d["values"][r];
      suffix += fmt::format("{}{}={}", suffix.empty() ? "" : ", ", short_key(d["key"], keys),
                            v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (!suffix.empty()) names[r] += " (" + suffix + ")";
  }
  if (unique()) return names;
  for (std::size_t r = 0; r < runs.size(); ++r) names[r] += fmt::format(" #{}", r + 1);
  return names;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON inside <script>: '<' can only occur within a JSON string, where "\u003c" means the same.
// Escaping every one (not only "</") also defuses "<!--" and "<script", which switch the HTML
// tokenizer's script states; generated texts are untrusted and may hold either.
std::string script_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

// A text run's generated texts, for the page's side-by-side columns: the selection load_run kept,
// and what was left out, so the page can say so.
json texts_entry(std::size_t run_index, const SampleTexts& texts) {
  json cells = json::array();
  for (const TextSample& t : texts.texts) cells.push_back({t.replicate, t.generation, t.sample, t.text, t.truncated});
  return {{"run", run_index},
          {"generations", texts.generations},
          {"replicates", texts.replicates},
          {"generations_in_run", texts.generations_in_run},
          {"replicates_in_file", texts.replicates_in_file},
          {"samples_in_file", texts.samples_in_file},
          {"truncated", texts.truncated},
          {"characters", texts.characters},
          {"cells", cells}};
}

// The ppl_gen0 histogram of a few generations as shares of each generation's samples, so
// generations (and runs) with different sample counts compare on one axis.
// RFC 4648 base64 with padding, for the data URIs that keep the page one self-contained file.
std::string encode_base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (i + 1 < bytes.size()) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// An image run's sample grids, embedded as PNG data URIs (the page stays one file).
json grids_entry(std::size_t run_index, const SampleGrids& grids) {
  json cells = json::array();
  for (const SampleGridImage& g : grids.grids) {
    cells.push_back({g.replicate, g.generation, "data:image/png;base64," + encode_base64(g.png)});
  }
  return {{"run", run_index},
          {"replicates_in_run", grids.replicates_in_run},
          {"generations_in_run", grids.generations_in_run},
          {"cells", cells}};
}

json histogram_entry(std::size_t run_index, const PplHistogram& histogram) {
  json rows = json::array();
  for (const HistogramBin& bin : histogram.bins) {
    const double total = histogram.totals.at(bin.generation);
    rows.push_back({bin.generation, rounded(bin.low), rounded(bin.high), rounded(bin.count / total), bin.count});
  }
  json infinite = json::array();
  for (const auto& [generation, count] : histogram.infinite) {
    if (count > 0) infinite.push_back({generation, count});
  }
  return {{"run", run_index}, {"generations", histogram.generations}, {"rows", rows}, {"infinite", infinite}};
}

}  // namespace

std::string short_key(const std::string& key, const std::vector<std::string>& keys) {
  const auto tail = [](const std::string& k) { return k.substr(k.rfind('.') + 1); };
  const std::string mine = tail(key);
  const auto same = std::count_if(keys.begin(), keys.end(), [&](const std::string& k) { return tail(k) == mine; });
  return same == 1 ? mine : key;
}

Band parse_band(const std::string& name) {
  if (name == "se") return Band::kStandardError;
  if (name == "quantile") return Band::kQuantile;
  throw ConfigError(fmt::format("--band: '{}' is not a band; expected se (mean ± 1 standard error) or quantile "
                                "(10% to 90% of the replicates)", name));
}

json report_data(const std::vector<RunData>& runs, const ReportOptions& options) {
  OURO_CHECK(!runs.empty(), ConfigError, "a report needs at least one run folder");
  json data;
  std::string names;
  for (const RunData& run : runs) names += (names.empty() ? "" : ", ") + run.name;
  data["title"] = options.title.empty() ? "ouroboros report: " + names : options.title;
  data["version"] = OURO_VERSION;
  data["band"] = options.band == Band::kQuantile ? "quantile" : "se";
  data["band_label"] = options.band == Band::kQuantile ? "10% to 90% quantiles over replicates"
                                                       : "mean ± 1 standard error";
  const json differences = config_differences(runs);
  const std::vector<std::string> names_shown = distinct_names(runs, differences);
  data["runs"] = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) data["runs"].push_back(run_entry(runs[r], names_shown[r]));
  data["heavy_tail_docs"] = kHeavyTailDocs;

  std::vector<std::string> metric_names;
  for (const RunData& run : runs) {
    for (const MetricValues& m : run.metrics) {
      if (std::find(metric_names.begin(), metric_names.end(), m.name) == metric_names.end()) metric_names.push_back(m.name);
    }
  }
  // A floor is drawn on its metric's chart, not charted on its own.
  std::erase_if(metric_names, [&](const std::string& name) {
    return name.ends_with("_floor") &&
           std::find(metric_names.begin(), metric_names.end(), name.substr(0, name.size() - 6)) != metric_names.end();
  });
  data["metrics"] = json::array();
  for (const std::string& name : metric_names) data["metrics"].push_back(metric_entry(name, runs, options.band));

  const auto& layers = composition_layers();
  data["layers"] = layers;
  data["composition"] = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    json rows = json::array();
    for (const CompositionPoint& p : runs[r].composition) {
      const auto layer = static_cast<std::size_t>(std::find(layers.begin(), layers.end(), p.layer) - layers.begin());
      rows.push_back({p.generation, layer, rounded(p.rows)});
    }
    data["composition"].push_back({{"run", r}, {"rows", rows}});
  }
  data["config_differences"] = differences;
  data["texts"] = json::array();
  data["histograms"] = json::array();
  data["grids"] = json::array();
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (runs[r].grids) data["grids"].push_back(grids_entry(r, *runs[r].grids));
    if (runs[r].texts) data["texts"].push_back(texts_entry(r, *runs[r].texts));
    if (runs[r].ppl_histogram && !runs[r].ppl_histogram->bins.empty()) {
      data["histograms"].push_back(histogram_entry(r, *runs[r].ppl_histogram));
    }
  }
  if (!options.sweep.is_null()) data["sweep"] = options.sweep;
  if (!options.plot.is_null()) data["plot"] = options.plot;
  return data;
}

std::string render_report(const std::vector<RunData>& runs, const ReportOptions& options) {
  const json data = report_data(runs, options);
  const std::string vega = detail::asset("vega");
  const std::string vega_lite = detail::asset("vega_lite");
  const std::string vega_embed = detail::asset("vega_embed");
  OURO_CHECK(!vega.empty() && !vega_lite.empty() && !vega_embed.empty(), IoError,
             "this ouro was built without the Vega bundles (vega, vega-lite, vega-embed from npm), so it cannot "
             "write reports: run scripts/install-deps.sh, then reconfigure and rebuild");
  std::string html;
  html.reserve(vega.size() + vega_lite.size() + vega_embed.size() + 200'000);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"generator\" content=\"ouro " OURO_VERSION "\">\n";
  html += "<title>" + escape_html(data["title"].get<std::string>()) + "</title>\n";
  html += "<style>\n" + detail::asset("page_css") + "</style>\n";
  html += "<script>" + vega + "</script>\n";
  html += "<script>" + vega_lite + "</script>\n";
  html += "<script>" + vega_embed + "</script>\n";
  html += "</head>\n<body data-render=\"pending\">\n";
  html += "<h1>" + escape_html(data["title"].get<std::string>()) + "</h1>\n";
  html += "<p class=\"note\">Written by ouro " OURO_VERSION " from " + std::to_string(runs.size()) +
          (runs.size() == 1 ? " run" : " runs") + ". Rebuild with <code>ouro report</code>.</p>\n";
  html += "<main id=\"ouro-report\"></main>\n";
  html += "<script type=\"application/json\" id=\"ouro-data\">" + script_safe(data.dump()) + "</script>\n";
  html += "<script>\n" + detail::asset("page_js") + "</script>\n</body>\n</html>\n";
  return html;
}

void write_report(const std::vector<RunData>& runs, const std::filesystem::path& path, const ReportOptions& options) {
  const std::string html = render_report(runs, options);
  AtomicFile file(path);
  file.stream() << html;
  file.commit();
}

}  // namespace ouro::report
