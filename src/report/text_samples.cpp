// Reading a text run's samples.jsonl and ppl_gen0_histogram.csv for the report (see
// text_samples.hpp). samples.jsonl is streamed line by line and only the selection the page shows
// is kept, so a long run's file (hundreds of megabytes) costs parsing time but not memory.
#include "ouro/report/text_samples.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "csv_reader.hpp"
#include "ouro/core/error.hpp"

namespace ouro::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json parse_line(const std::string& line, const fs::path& path, std::size_t number) {
  json row;
  try {
    row = json::parse(line);
  } catch (const json::exception& e) {
    throw DataError(fmt::format("{}:{}: not valid JSON: {}", path.string(), number, e.what()));
  }
  OURO_CHECK(row.is_object(), DataError, "{}:{}: expected a JSON object {{\"replicate\", \"generation\", \"sample\", "
             "\"text\"}}, found {}", path.string(), number, row.type_name());
  return row;
}

std::size_t index_field(const json& row, const char* key, const fs::path& path, std::size_t number) {
  const auto it = row.find(key);
  OURO_CHECK(it != row.end(), DataError, "{}:{}: missing field \"{}\"", path.string(), number, key);
  OURO_CHECK(it->is_number_unsigned() && it->get<std::size_t>() <= detail::kMaxIndex, DataError,
             "{}:{}: field \"{}\" is {}, expected a non-negative integer", path.string(), number, key, it->dump());
  return it->get<std::size_t>();
}

const std::string& text_field(const json& row, const fs::path& path, std::size_t number) {
  const auto it = row.find("text");
  OURO_CHECK(it != row.end(), DataError, "{}:{}: missing field \"text\"", path.string(), number);
  OURO_CHECK(it->is_string(), DataError, "{}:{}: field \"text\" is a {}, expected a string", path.string(), number,
             it->type_name());
  return it->get_ref<const std::string&>();
}

// Keeps the texts of the `limit` lowest-numbered replicates seen so far. The recorder writes
// replicates in order, so eviction only happens for files written some other way.
class Selection {
 public:
  Selection(std::size_t replicate_limit, std::vector<std::size_t> generations, std::size_t sample_limit)
      : replicate_limit_(replicate_limit), generations_(std::move(generations)), sample_limit_(sample_limit) {}

  bool wants(std::size_t replicate, std::size_t generation, std::size_t sample) {
    if (sample >= sample_limit_ || !std::binary_search(generations_.begin(), generations_.end(), generation)) return false;
    if (chosen_.count(replicate)) return true;
    if (chosen_.size() < replicate_limit_) return chosen_.insert(replicate), true;
    if (replicate_limit_ == 0 || replicate > *chosen_.rbegin()) return false;
    const std::size_t evicted = *chosen_.rbegin();
    chosen_.erase(evicted);
    std::erase_if(texts_, [&](const auto& entry) { return std::get<0>(entry.first) == evicted; });
    chosen_.insert(replicate);
    return true;
  }

  // False when the key is already held (a repeated line).
  bool add(TextSample sample) {
    const auto key = std::make_tuple(sample.replicate, sample.generation, sample.sample);
    return texts_.emplace(key, std::move(sample)).second;
  }

  const std::vector<std::size_t>& generations() const { return generations_; }
  const std::set<std::size_t>& replicates() const { return chosen_; }
  // Ordered by replicate, generation, sample (the map's key order).
  std::vector<TextSample> take() {
    std::vector<TextSample> out;
    for (auto& [key, sample] : texts_) out.push_back(std::move(sample));
    return out;
  }

 private:
  std::size_t replicate_limit_;
  std::vector<std::size_t> generations_;
  std::size_t sample_limit_;
  std::set<std::size_t> chosen_;
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, TextSample> texts_;
};

// The first, middle and last of the ascending `present` generations (fewer when they coincide).
std::vector<std::size_t> first_middle_last(const std::vector<std::size_t>& present) {
  std::vector<std::size_t> out;
  if (present.empty()) return out;
  for (const std::size_t i : {std::size_t{0}, present.size() / 2, present.size() - 1}) {
    if (out.empty() || out.back() != present[i]) out.push_back(present[i]);
  }
  return out;
}

}  // namespace

std::vector<std::size_t> spread_generations(std::size_t generations, std::size_t limit) {
  std::vector<std::size_t> out;
  if (generations <= limit) {
    for (std::size_t g = 0; g < generations; ++g) out.push_back(g);
    return out;
  }
  if (limit == 1) return {0};
  for (std::size_t k = 0; k < limit; ++k) {
    const double at = static_cast<double>(k) * static_cast<double>(generations - 1) / static_cast<double>(limit - 1);
    const auto g = static_cast<std::size_t>(std::llround(at));
    if (out.empty() || out.back() != g) out.push_back(g);
  }
  return out;
}

std::string truncate_utf8(const std::string& text, std::size_t characters, bool& truncated) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A byte 10xxxxxx continues a code point; any other byte starts one.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (seen == characters) {
      truncated = true;
      return text.substr(0, i);
    }
    ++seen;
  }
  truncated = false;
  return text;
}

SampleTexts read_sample_texts(const fs::path& path, std::size_t generations, const TextLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "{}: cannot open", path.string());
  SampleTexts out;
  out.generations_in_run = generations;
  out.characters = limits.characters;
  Selection selection(limits.replicates, spread_generations(generations, limits.generations), limits.samples);
  std::set<std::size_t> replicates;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const json row = parse_line(line, path, number);
    const std::size_t replicate = index_field(row, "replicate", path, number);
    const std::size_t generation = index_field(row, "generation", path, number);
    const std::size_t sample = index_field(row, "sample", path, number);
    const std::string& text = text_field(row, path, number);
    replicates.insert(replicate);
    out.samples_in_file = std::max(out.samples_in_file, sample + 1);
    if (!selection.wants(replicate, generation, sample)) continue;
    TextSample kept{replicate, generation, sample, "", false};
    kept.text = truncate_utf8(text, limits.characters, kept.truncated);
    OURO_CHECK(selection.add(std::move(kept)), DataError,
               "{}:{}: replicate {}, generation {}, sample {} appears a second time", path.string(), number, replicate,
               generation, sample);
  }
  OURO_CHECK(!in.bad(), IoError, "{}: read error", path.string());
  out.replicates_in_file = replicates.size();
  out.generations = selection.generations();
  out.replicates.assign(selection.replicates().begin(), selection.replicates().end());
  out.texts = selection.take();
  out.truncated = static_cast<std::size_t>(std::count_if(out.texts.begin(), out.texts.end(),
                                                         [](const TextSample& t) { return t.truncated; }));
  return out;
}

PplHistogram read_ppl_histogram(const fs::path& path) {
  detail::CsvReader csv(path, "replicate,generation,bin_low,bin_high,count");
  // generation -> bin_low -> bin summed over replicates; the drawn generations are known at the end.
  std::map<std::size_t, std::map<double, HistogramBin>> bins;
  std::map<std::size_t, double> infinite;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    csv.index(f[0], "replicate");
    const std::size_t generation = csv.index(f[1], "generation");
    const double low = csv.number(f[2], "bin_low");
    const double high = csv.number(f[3], "bin_high");
    const auto count = static_cast<double>(csv.index(f[4], "count"));
    bins[generation];  // a generation whose samples all have infinite perplexity is still present
    if (std::isinf(low) && low > 0.0) {
      infinite[generation] += count;
      continue;
    }
    OURO_CHECK(std::isfinite(low) && low > 0.0 && high > low, DataError,
               "{}:{}: bin [{}, {}) is not a positive interval", path.string(), csv.line(), f[2], f[3]);
    HistogramBin& bin = bins[generation][low];
    bin = {generation, low, high, bin.count + count};
  }
  std::vector<std::size_t> present;
  for (const auto& [generation, unused] : bins) present.push_back(generation);
  PplHistogram out;
  out.generations = first_middle_last(present);
  for (const std::size_t g : out.generations) {
    double total = infinite.count(g) ? infinite[g] : 0.0;
    for (const auto& [low, bin] : bins[g]) {
      out.bins.push_back(bin);
      total += bin.count;
    }
    out.totals[g] = total;
    out.infinite[g] = infinite.count(g) ? infinite[g] : 0.0;
  }
  return out;
}

}  // namespace ouro::report
