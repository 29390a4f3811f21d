// Ordered, atomic writing of a run's results: see recorder.hpp.
#include "ouro/loop/recorder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/io/json_file.hpp"

namespace ouro {

char* write_number(char* out, char* end, double value) {
  const auto copy = [out](std::string_view text) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  };
  if (std::isnan(value)) return copy("nan");
  if (std::isinf(value)) return copy(value > 0 ? "inf" : "-inf");
  return std::to_chars(out, end, value).ptr;
}

void append_number(std::string& out, double value) {
  char text[32];
  out.append(text, write_number(text, text + sizeof text, value));
}

namespace {

void append_integer(std::string& out, std::int64_t value) {
  char text[24];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, end);
}

// One composition row; with filters, their counts for the synthetic set the row counts from.
void append_composition(std::string& out, std::string_view replicate, const CompositionCount& c,
                        const std::vector<FilterCounts>& filter_counts, std::size_t filters) {
  out += replicate;
  out += ',';
  append_integer(out, c.generation);
  out += ',';
  out += origin_name(c.origin);
  out += ',';
  append_integer(out, c.origin_generation);
  out += ',';
  append_integer(out, static_cast<std::int64_t>(c.count));
  for (std::size_t f = 0; f < filters; ++f) {
    if (c.origin != Origin::kSynthetic) {
      out += ",,";
      continue;
    }
    const FilterCounts& counts = filter_counts.at(static_cast<std::size_t>(c.origin_generation) * filters + f);
    out += ',';
    append_integer(out, static_cast<std::int64_t>(counts.drawn));
    out += ',';
    append_integer(out, static_cast<std::int64_t>(counts.rejected));
  }
  out += '\n';
}

std::size_t decimal_digits(std::size_t value) {
  std::size_t digits = 1;
  for (; value >= 10; value /= 10) ++digits;
  return digits;
}

constexpr const char* kMetricsFile = "metrics.csv";
constexpr const char* kGzipMetricsFile = "metrics.csv.gz";
constexpr const char* kCompositionFile = "composition.csv";
constexpr const char* kTheoryFile = "theory.csv";
constexpr const char* kRunFile = "run.json";

}  // namespace

std::vector<std::string> Recorder::file_names(const std::vector<SideTable>& side_tables) {
  // run.json first: whoever removes these in order never leaves it beside missing results.
  std::vector<std::string> names = {kRunFile, kMetricsFile, kGzipMetricsFile, kCompositionFile, kTheoryFile};
  for (const SideTable& table : side_tables) names.push_back(table.file_name);
  return names;
}

Recorder::Recorder(std::filesystem::path out_dir, std::vector<std::string> metric_names, std::size_t generations,
                   std::size_t replicates, bool shared_composition, std::vector<SideTable> side_tables,
                   std::vector<std::string> filter_labels, std::size_t record_every, bool gzip_metrics)
    : out_dir_(std::move(out_dir)),
      metric_names_(std::move(metric_names)),
      generations_(generations),
      replicates_(replicates),
      shared_composition_(shared_composition),
      filters_(filter_labels.size()),
      record_every_(std::max<std::size_t>(record_every, 1)),
      accumulators_((generations + 1) * metric_names_.size()),
      origin_rows_(generations + 1) {
  if (out_dir_.empty()) return;
  metrics_file_ = std::make_unique<AtomicFile>(out_dir_ / (gzip_metrics ? kGzipMetricsFile : kMetricsFile));
  if (gzip_metrics) metrics_gzip_ = std::make_unique<GzipWriter>(metrics_file_->stream());
  write_metrics("replicate,generation,metric,value\n");
  composition_file_ = std::make_unique<AtomicFile>(out_dir_ / kCompositionFile);
  composition_file_->stream() << "replicate,generation,origin,origin_generation,count";
  for (const std::string& label : filter_labels) composition_file_->stream() << ',' << label << "_drawn," << label << "_rejected";
  composition_file_->stream() << '\n';
  for (const SideTable& table : side_tables) {
    side_files_.push_back(std::make_unique<AtomicFile>(out_dir_ / table.file_name));
    if (!table.header.empty()) side_files_.back()->stream() << table.header << '\n';
  }
}

Recorder::~Recorder() = default;

void Recorder::add(ReplicateResult result) {
  Formatted formatted = format(std::move(result));
  {
    const std::lock_guard lock(pending_mutex_);
    const std::size_t replicate = formatted.result.replicate;
    pending_.emplace(replicate, std::move(formatted));
  }
  write_pending();
}

void Recorder::write_pending() {
  for (;;) {
    std::unique_lock writer(writer_mutex_, std::try_to_lock);
    if (!writer.owns_lock()) return;  // the writer at work takes these rows too
    std::unique_lock lock(pending_mutex_);
    for (auto it = pending_.find(next_replicate_); it != pending_.end(); it = pending_.find(next_replicate_)) {
      const Formatted next = std::move(it->second);
      pending_.erase(it);
      lock.unlock();
      write_in_order(next);
      lock.lock();
      ++next_replicate_;
    }
    lock.unlock();
    writer.unlock();
    // A replicate added after the last look above found the writer busy and left its rows; they
    // are in pending_ by now, since it added them before trying the writer's lock.
    const std::lock_guard check(pending_mutex_);
    if (!pending_.contains(next_replicate_)) return;
  }
}

Recorder::Formatted Recorder::format(ReplicateResult result) const {
  Formatted out;
  if (out_dir_.empty()) {
    out.result = std::move(result);
    return out;
  }
  // Rows are written through a pointer into a buffer sized for the longest possible row, rather
  // than appended piece by piece: formatting is most of the work of writing metrics.csv.
  const std::size_t metrics = metric_names_.size();
  std::size_t longest_name = 0;
  for (const auto& name : metric_names_) longest_name = std::max(longest_name, name.size());
  constexpr std::size_t kLongestInteger = 20;  // digits of the largest std::size_t
  constexpr std::size_t kLongestPrefix = 2 * kLongestInteger + 2;  // "replicate,generation,"
  // The shortest round-trip form of a double is at most 24 characters (-2.2250738585072014e-308).
  constexpr std::size_t kLongestNumber = 24;
  // Sized for this replicate's actual prefix, not the longest possible one: the buffer is
  // zero-filled when it is sized, and at 1000 generations it is most of the formatting's memory.
  const std::size_t prefix_bound = decimal_digits(result.replicate) + decimal_digits(generations_) + 2;
  std::string& rows = out.metrics_rows;
  rows.resize(result.values.size() * (prefix_bound + longest_name + 1 + kLongestNumber + 1));
  char* cursor = rows.data();
  char* const buffer_end = rows.data() + rows.size();
  for (std::size_t g = 0; g <= generations_; ++g) {
    if (!records(g)) continue;
    char prefix[kLongestPrefix];
    // Each number gets exactly its room, so the compiler can see that the commas fit too.
    char* p = std::to_chars(prefix, prefix + kLongestInteger, result.replicate).ptr;
    *p++ = ',';
    p = std::to_chars(p, p + kLongestInteger, g).ptr;
    *p++ = ',';
    const auto prefix_length = static_cast<std::size_t>(p - prefix);
    for (std::size_t m = 0; m < metrics; ++m) {
      std::memcpy(cursor, prefix, prefix_length);
      cursor += prefix_length;
      const std::string& name = metric_names_[m];
      std::memcpy(cursor, name.data(), name.size());
      cursor += name.size();
      *cursor++ = ',';
      cursor = write_number(cursor, buffer_end, result.values[g * metrics + m]);
      *cursor++ = '\n';
    }
  }
  rows.resize(static_cast<std::size_t>(cursor - rows.data()));
  std::string replicate_text;
  append_integer(replicate_text, static_cast<std::int64_t>(result.replicate));
  if (!shared_composition_ || result.replicate == 0) {
    const std::string replicate_label = shared_composition_ ? "all" : replicate_text;
    for (const CompositionCount& c : result.composition) {
      if (!records(static_cast<std::size_t>(c.generation))) continue;
      append_composition(out.composition_rows, replicate_label, c, result.filter_counts, filters_);
    }
  }
  out.result = std::move(result);
  return out;
}

void Recorder::write_in_order(const Formatted& formatted) {
  const ReplicateResult& result = formatted.result;
  for (std::size_t i = 0; i < result.values.size(); ++i) {
    const double v = result.values[i];
    Accumulator& a = accumulators_[i];
    ++a.count;
    const double delta = v - a.mean;
    a.mean += delta / static_cast<double>(a.count);
    a.m2 += delta * (v - a.mean);
  }
  // A shared composition is carried by replicate 0 alone and holds for every replicate.
  const std::size_t copies = shared_composition_ ? replicates_ : 1;
  if (!shared_composition_ || result.replicate == 0) {
    for (const CompositionCount& c : result.composition) {
      OriginRows& rows = origin_rows_.at(static_cast<std::size_t>(c.generation));
      std::size_t& slot = c.origin == Origin::kOriginal ? rows.original
                          : c.origin == Origin::kFresh  ? rows.fresh
                                                        : rows.synthetic;
      slot += c.count * copies;
    }
  }
  if (!metrics_file_) return;
  write_metrics(formatted.metrics_rows);
  composition_file_->stream() << formatted.composition_rows;
  OURO_CHECK(result.side_rows.size() == side_files_.size(), Error,
             "internal: replicate {} has {} side tables, the recorder {}", result.replicate, result.side_rows.size(),
             side_files_.size());
  for (std::size_t t = 0; t < side_files_.size(); ++t) side_files_[t]->stream() << result.side_rows[t];
  for (const SideFile& side : result.side_files) {
    const std::filesystem::path path = out_dir_ / side.name;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    OURO_CHECK(!ec, IoError, "cannot create folder '{}': {}", path.parent_path().string(), ec.message());
    // Committed at once rather than at finish(): a run may write hundreds of grids, and an open
    // temporary each would hold as many file descriptors. Until run.json exists the run is not
    // finished, so a grid standing alone looks complete as a grid and nothing more.
    AtomicFile file(path);
    file.stream().write(side.bytes.data(), static_cast<std::streamsize>(side.bytes.size()));
    file.commit();
    side_file_stamps_.emplace_back(side.name, file.stamp().to_json());
  }
}

void Recorder::write_metrics(std::string_view text) {
  if (metrics_gzip_) {
    metrics_gzip_->write(text);
  } else {
    metrics_file_->stream() << text;
  }
}

MetricStat Recorder::stat(std::size_t generation, std::size_t metric) const {
  const Accumulator& a = accumulators_[generation * metric_names_.size() + metric];
  MetricStat s;
  s.count = a.count;
  if (a.count == 0) return s;
  const double n = static_cast<double>(a.count);
  s.mean = a.mean;
  if (a.count > 1) s.standard_error = std::sqrt(a.m2 / (n - 1) / n);
  return s;
}

void Recorder::finish(const std::vector<TheoryCurve>& theory, const nlohmann::json& run_info) {
  OURO_CHECK(next_replicate_ == replicates_ && pending_.empty(), Error,
             "internal: recorder finished with {} of {} replicates written", next_replicate_, replicates_);
  if (out_dir_.empty()) return;

  AtomicFile theory_file(out_dir_ / kTheoryFile);
  std::string text = "generation,metric,expected\n";
  for (std::size_t g = 0; g <= generations_; ++g) {
    if (!records(g)) continue;
    for (const TheoryCurve& curve : theory) {
      if (g >= curve.expected.size()) continue;
      append_integer(text, static_cast<std::int64_t>(g));
      text += ',';
      text += curve.metric;
      text += ',';
      append_number(text, curve.expected[g]);
      text += '\n';
    }
  }
  theory_file.stream() << text;

  // Every result file is complete and synced before run.json, which records their stamps, names
  // the run finished: a crash in between leaves no run.json, and the run is resumed.
  nlohmann::json info = run_info;
  nlohmann::json& files = info["files"] = nlohmann::json::object();
  const auto commit = [&](AtomicFile& file) {
    file.commit();
    files[file.path().filename().string()] = file.stamp().to_json();
  };
  if (metrics_gzip_) metrics_gzip_->finish();
  commit(*metrics_file_);
  commit(*composition_file_);
  for (const auto& file : side_files_) commit(*file);
  for (const auto& [name, stamp] : side_file_stamps_) files[name] = stamp;
  commit(theory_file);
  write_json_file(out_dir_ / kRunFile, info, kRunFileFormat);
}

}  // namespace ouro
