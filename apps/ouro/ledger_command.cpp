// `ouro ledger add | stats | export`: the provenance ledger of corpora (docs/provenance.md;
// include/ouro/provenance/). `add` records each document of a corpus file under a source name, with
// its sha256, length and, when asked, the watermark's verdict and the detector's probability;
// `stats` summarises the ledger by source; `export` writes a training corpus without exact
// duplicates whose estimated synthetic share stays within a bound (export_plan.hpp).
//
// `add` reads and measures every document before it opens the ledger for writing, and writes them
// all in one transaction, so bad input (named by file and line, or document) leaves the ledger as
// it was. A ledger of another schema is refused before any document is read.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "document_input.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/provenance/corpus_ledger.hpp"
#include "ouro/provenance/export_plan.hpp"
#include "watermark_options.hpp"

namespace ouro::cli {
namespace {

using provenance::CorpusLedger;
using provenance::DocumentRecord;
using provenance::OpenMode;

struct LedgerOptions {
  std::string ledger;
  // add
  std::string corpus;
  std::string source;
  DocumentInput documents;
  bool watermark = false;
  WatermarkOptions marks;
  std::string detector;
  // stats, export
  std::string format;
  std::string threshold;
  // export
  std::string out;
  std::string max_share;
};

// A probability threshold given with --threshold: in (0, 1], as `ouro contamination` takes it.
double threshold_flag(const std::string& text) {
  const double threshold = parse_real_flag("--threshold", text);
  OURO_CHECK(threshold > 0.0 && threshold <= 1.0, ConfigError, "--threshold {}: expected a probability in (0, 1]",
             text);
  return threshold;
}

// What `add` measures documents with: the watermark (through GPT-2's tokenizer) and the detector,
// each when asked for.
struct Measures {
  std::optional<text::Gpt2Tokenizer> tokenizer;
  std::optional<hygiene::Watermark> watermark;
  std::optional<hygiene::Detector> detector;
};

Measures measures_from(const LedgerOptions& options) {
  Measures m;
  if (options.watermark) {
    OURO_CHECK(!options.marks.gpt2_dir.empty(), ConfigError,
               "--watermark: texts need the tokenizer they were generated with: --gpt2 DIR (vocab.json, merges.txt)");
    m.tokenizer.emplace(load_gpt2_flag(options.marks.gpt2_dir));
    m.watermark.emplace(settings_from_flags(
        options.marks, static_cast<std::int64_t>(m.tokenizer->fixed_vocabulary().size())));
  }
  if (!options.detector.empty()) m.detector.emplace(hygiene::Detector::load(options.detector));
  return m;
}

DocumentRecord measure(const Measures& m, std::string text, std::int64_t position) {
  DocumentRecord record;
  record.position = position;
  if (m.watermark) {
    const auto ids = gpt2_token_ids(*m.tokenizer, text);
    const hygiene::WatermarkScore score = m.watermark->score(ids);
    record.tokens = static_cast<std::int64_t>(ids.size());
    if (score.scored > 0) record.watermark_z = score.z;
    record.watermark_flagged = score.flagged;
  }
  if (m.detector) record.detector_probability = m.detector->probability(m.detector->features(text));
  record.text = std::move(text);
  return record;
}

// The addition's row: where the documents came from and what measured them.
provenance::Addition addition_of(const LedgerOptions& options, const Measures& m) {
  provenance::Addition a;
  a.source = options.source;
  a.corpus = std::filesystem::absolute(options.corpus).string();
  a.corpus_sha256 = sha256_file(options.corpus);
  const std::string input = resolved_input(options.documents, options.corpus);
  a.input = input == "jsonl" ? "jsonl:" + options.documents.field : input;
  if (m.watermark) {
    const hygiene::WatermarkSettings& s = m.watermark->settings();
    a.watermark = nlohmann::json{{"scheme", hygiene::watermark_scheme_name(s.scheme)},
                                 {"gamma", s.gamma},
                                 {"key", s.key},
                                 {"z_threshold", s.z_threshold},
                                 {"count_repeats", s.count_repeats},
                                 {"tokenizer", "gpt2"},
                                 {"tokenizer_dir", std::filesystem::absolute(options.marks.gpt2_dir).string()},
                                 {"vocab_size", s.vocab_size}}
                      .dump();
  }
  if (m.detector) {
    a.detector = std::filesystem::absolute(options.detector).string();
    a.detector_sha256 = sha256_file(options.detector);
  }
  return a;
}

int run_add(const LedgerOptions& options) {
  OURO_CHECK(!options.source.empty(), ConfigError, "--source: give the name the documents are recorded under");
  // An existing ledger of another schema is refused before any document is read and measured.
  if (std::filesystem::exists(options.ledger)) CorpusLedger check(options.ledger, OpenMode::kExisting);
  const Measures m = measures_from(options);
  const auto texts = read_text_documents(options.corpus, options.documents);
  std::vector<DocumentRecord> records;
  std::size_t blank = 0, flagged = 0;
  for (std::size_t d = 0; d < texts.size(); ++d) {
    // A blank document has nothing to train on or to measure (the detector refuses it).
    if (text::is_blank(texts[d])) {
      ++blank;
      continue;
    }
    try {
      records.push_back(measure(m, texts[d], static_cast<std::int64_t>(d + 1)));
    } catch (const DataError& e) {
      throw DataError(fmt::format("{}: document {}: {}", options.corpus, d + 1, e.what()));
    }
    flagged += records.back().watermark_flagged.value_or(false) ? 1 : 0;
  }
  const provenance::Addition addition = addition_of(options, m);
  CorpusLedger ledger(options.ledger, OpenMode::kCreateIfMissing);
  const provenance::AddResult result = ledger.add(addition, records);
  fmt::print("{}: {} documents of {} under source '{}': {} added, {} already recorded under it, {} blank skipped\n",
             options.ledger, records.size(), options.corpus, options.source, result.added, result.present, blank);
  if (m.watermark) {
    fmt::print("  watermark: {} of {} flagged (z > {}; {}, gamma {})\n", flagged, records.size(),
               m.watermark->settings().z_threshold, options.marks.scheme, m.watermark->settings().gamma);
  }
  if (m.detector) fmt::print("  detector: {} scored ({})\n", records.size(), options.detector);
  return 0;
}

// --- stats ---

const std::vector<std::string>& stats_columns() {
  static const std::vector<std::string> columns = {
      "source",          "documents",          "distinct_texts",     "bytes",
      "watermark_checked", "mean_watermark_z", "watermark_flagged_share", "detector_scored",
      "mean_detector_probability", "detector_flagged_share"};
  return columns;
}

// A row's values in stats_columns() order, as JSON (null: nothing measured).
nlohmann::json stats_values(const provenance::SourceStats& s) {
  const auto optional = [](const std::optional<double>& x) { return x ? nlohmann::json(*x) : nlohmann::json(nullptr); };
  return nlohmann::json::array({s.source, s.documents, s.distinct_texts, s.bytes, s.watermark_checked,
                                optional(s.mean_watermark_z), optional(s.watermark_flagged_share), s.detector_scored,
                                optional(s.mean_detector_probability), optional(s.detector_flagged_share)});
}

// A value as CSV writes it (shortest round-trip numbers, nothing for null) or the table (fixed
// decimals, "-" for null).
std::string csv_cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}
std::string table_cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) return fmt::format("{:.4f}", v.get<double>());
  return csv_cell(v);
}

void print_stats(const provenance::LedgerStats& stats, const std::string& format, double threshold,
                 const std::string& ledger) {
  const auto& columns = stats_columns();
  std::vector<nlohmann::json> rows;
  for (const auto& s : stats.sources) rows.push_back(stats_values(s));
  nlohmann::json total = stats_values(stats.total);
  if (format == "json") {
    const auto object = [&](const nlohmann::json& row, std::size_t from) {
      nlohmann::json o = nlohmann::json::object();
      for (std::size_t c = from; c < columns.size(); ++c) o[columns[c]] = row[c];
      return o;
    };
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& row : rows) sources.push_back(object(row, 0));
    const nlohmann::json j = {
        {"ledger", ledger}, {"detector_threshold", threshold}, {"sources", sources}, {"total", object(total, 1)}};
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (format == "csv") {
    // The total is the last row, with an empty source (a source name is never empty).
    fmt::print("{}\n", fmt::join(columns, ","));
    rows.push_back(total);
    for (const auto& row : rows) {
      std::vector<std::string> cells;
      for (const auto& v : row) cells.push_back(csv_cell(v));
      fmt::print("{}\n", fmt::join(cells, ","));
    }
    return;
  }
  total[0] = "total";
  rows.push_back(total);
  const std::vector<std::string>& header = columns;
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
    for (const auto& row : rows) widths[c] = std::max(widths[c], table_cell(row[c]).size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out = fmt::format("{:<{}}", cells[0], widths[0]);
    for (std::size_t c = 1; c < cells.size(); ++c) out += fmt::format("  {:>{}}", cells[c], widths[c]);
    fmt::print("{}\n", out);
  };
  line(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(table_cell(v));
    line(cells);
  }
  fmt::print("{}: detector_flagged_share counts probabilities >= {}\n", ledger, threshold);
}

int run_stats(const LedgerOptions& options) {
  const std::string format = options.format.empty() ? "text" : options.format;
  OURO_CHECK(format == "text" || format == "csv" || format == "json", ConfigError,
             "--format {}: expected text, csv or json", format);
  const double threshold = threshold_flag(options.threshold.empty() ? "0.5" : options.threshold);
  CorpusLedger ledger(options.ledger, OpenMode::kExisting);
  print_stats(ledger.stats(threshold), format, threshold, options.ledger);
  return 0;
}

// --- export ---

struct FateCounts {
  std::size_t documents = 0, kept = 0, duplicates = 0, flagged = 0, over_share = 0;

  void count(provenance::ExportFate fate) {
    ++documents;
    switch (fate) {
      case provenance::ExportFate::kKept: ++kept; break;
      case provenance::ExportFate::kDuplicate: ++duplicates; break;
      case provenance::ExportFate::kDetectorFlagged: ++flagged; break;
      case provenance::ExportFate::kOverShare: ++over_share; break;
    }
  }
  std::string text() const {
    return fmt::format("kept {} of {} (dropped: {} exact duplicates, {} flagged by the detector, {} over the share "
                       "bound)",
                       kept, documents, duplicates, flagged, over_share);
  }
};

int run_export(const LedgerOptions& options) {
  const double max_share = parse_real_flag("--max-synthetic-share", options.max_share);
  OURO_CHECK(max_share >= 0.0 && max_share <= 1.0, ConfigError,
             "--max-synthetic-share {}: expected a share in [0, 1]", options.max_share);
  std::optional<double> threshold;
  if (!options.threshold.empty()) threshold = threshold_flag(options.threshold);
  const std::string format = !options.format.empty() ? options.format
                             : options.out.ends_with(".jsonl") ? "jsonl"
                                                                : "lines";
  OURO_CHECK(format == "lines" || format == "jsonl", ConfigError, "--format {}: expected lines or jsonl", format);

  CorpusLedger ledger(options.ledger, OpenMode::kExisting);
  const auto documents = ledger.scores();
  const provenance::ExportPlan plan = provenance::plan_export(documents, max_share, threshold);

  AtomicFile file(options.out);
  std::size_t next = 0;  // both reads are in id order; a document added since the first is not exported
  ledger.for_each_text([&](std::int64_t id, const std::string& text) {
    while (next < documents.size() && documents[next].id < id) ++next;
    if (next == documents.size() || documents[next].id != id) return;
    if (plan.fates[next] != provenance::ExportFate::kKept) return;
    const auto& d = documents[next];
    if (format == "jsonl") {
      file.stream() << nlohmann::json{{"text", text}, {"source", d.source}, {"sha256", d.sha256}}.dump() << '\n';
      return;
    }
    OURO_CHECK(text.find('\n') == std::string::npos, DataError,
               "{}: document {} (source '{}') holds a line break, which --format lines cannot write; export with "
               "--format jsonl",
               options.ledger, id, d.source);
    file.stream() << text << '\n';
  });
  file.commit();

  FateCounts all;
  std::map<std::string, FateCounts> by_source;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    all.count(plan.fates[i]);
    by_source[documents[i].source].count(plan.fates[i]);
  }
  fmt::print("{}: {}; estimated synthetic share {:.4f} (bound {})\n", options.out, all.text(), plan.estimated_share,
             max_share);
  for (const auto& [source, counts] : by_source) fmt::print("  {}: {}\n", source, counts.text());
  return 0;
}

}  // namespace

Subcommand add_ledger_command(CLI::App& app) {
  auto* ledger = app.add_subcommand(
      "ledger", "The provenance ledger of corpora (SQLite): record documents, summarise by source, export");
  ledger->require_subcommand(1);
  auto options = std::make_shared<LedgerOptions>();

  auto* add = ledger->add_subcommand(
      "add", "Record each document of a corpus under a source: sha256, length, watermark verdict, detector score");
  add->add_option("ledger", options->ledger, "The ledger file (created when missing)")->required();
  add->add_option("corpus", options->corpus, "The documents")->required();
  add->add_option("--source", options->source, "The name the documents are recorded under")->required();
  add_document_input_options(*add, options->documents);
  auto* watermark = add->add_flag("--watermark", options->watermark,
                                  "Check each document for the KGW watermark (with --gpt2 and the flags below)");
  for (CLI::Option* option : add_watermark_options(*add, options->marks)) option->needs(watermark);
  add->add_option("--detector", options->detector, "Score each document with this detector file (ouro detector train)");

  auto* stats = ledger->add_subcommand("stats", "Per source: documents, distinct texts, bytes, watermark and detector");
  stats->add_option("ledger", options->ledger, "The ledger file")->required();
  stats->add_option("--format", options->format, "text (default), csv or json");
  stats->add_option("--threshold", options->threshold, "Count detector probabilities >= this as flagged (default 0.5)");

  auto* export_ = ledger->add_subcommand(
      "export", "Write a corpus without exact duplicates whose estimated synthetic share stays within a bound");
  export_->add_option("ledger", options->ledger, "The ledger file")->required();
  export_->add_option("--out", options->out, "The corpus file to write")->required();
  export_->add_option("--max-synthetic-share", options->max_share,
                      "The largest estimated synthetic share to allow, in [0, 1]")->required();
  export_->add_option("--threshold", options->threshold, "Also drop documents whose detector probability is >= this");
  export_->add_option("--format", options->format, "lines (a document per line) or jsonl (default for *.jsonl)");

  return {ledger, [options, add, stats] {
            if (add->parsed()) return run_add(*options);
            if (stats->parsed()) return run_stats(*options);
            return run_export(*options);
          }};
}

}  // namespace ouro::cli
