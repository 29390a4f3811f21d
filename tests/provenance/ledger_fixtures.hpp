// Inputs for the ledger's command-line tests: texts the watermark flags or clears by construction,
// a small detector, and a raw look into a ledger file.
//
// The watermark is simple_1 over GPT-2's 256 byte ids (the byte vocabulary of gpt2_fixtures.hpp
// with no merges, so a text's ids are its bytes). A "watermarked" text takes every character from
// the green list its previous character draws, a "clear" one from the red rest, both among 'a'..'z'
// and ' ': every scored bigram is green (z near +17 at 120 characters) or red (z near -6), so the
// verdicts are known without trusting the detector under test.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "ouro/core/rng.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/provenance/sqlite.hpp"

namespace ouro::testing {

inline hygiene::WatermarkSettings ledger_watermark_settings() {
  hygiene::WatermarkSettings s;
  s.scheme = hygiene::WatermarkScheme::kSimple1;
  s.vocab_size = 256;
  return s;
}

// The flags that give `ouro ledger add` the same watermark, with the tokenizer in `gpt2_dir`.
inline std::string ledger_watermark_flags(const std::filesystem::path& gpt2_dir) {
  return "--watermark --scheme simple_1 --gpt2 " + gpt2_dir.string();
}

inline std::string byte_text(const hygiene::Watermark& w, bool watermarked, std::size_t length, Rng& rng) {
  std::string alphabet = " ";
  for (char c = 'a'; c <= 'z'; ++c) alphabet += c;
  std::string text(1, static_cast<char>('a' + rng.below(26)));
  while (text.size() < length) {
    const text::TokenId previous = static_cast<unsigned char>(text.back());
    const auto green = w.green_list(std::span<const text::TokenId>(&previous, 1));
    std::string allowed;
    for (const char c : alphabet) {
      const bool is_green = std::find(green.begin(), green.end(), static_cast<text::TokenId>(c)) != green.end();
      if (is_green == watermarked) allowed += c;
    }
    if (allowed.empty()) allowed = alphabet;
    text += allowed[rng.below(allowed.size())];
  }
  return text;
}

inline void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& l : lines) out << l << "\n";
}

// Lines of words from a small vocabulary: uniform (`repetitive` false) or cycling through five
// words with an occasional other one, the low-entropy text a collapsed model writes.
inline std::vector<std::string> word_texts(std::size_t count, bool repetitive, Rng& rng) {
  static const std::vector<std::string> words = {
      "the",   "river", "runs",  "past",  "old",   "mill",  "and",    "a",     "child", "reads", "under",
      "trees", "while", "rain",  "falls", "on",    "quiet", "stones", "near",  "town",  "bells", "ring",
      "after", "noon",  "light", "fades", "over",  "hills", "birds",  "sing",  "to",    "each",  "other"};
  std::vector<std::string> out;
  for (std::size_t d = 0; d < count; ++d) {
    std::string line;
    const std::size_t length = 12 + rng.below(12);
    for (std::size_t i = 0; i < length; ++i) {
      const std::string& word =
          repetitive && rng.below(10) != 0 ? words[i % 5] : words[rng.below(words.size())];
      line += (line.empty() ? "" : " ") + word;
    }
    out.push_back(line);
  }
  return out;
}

// A detector trained on uniform word lines (real) against repetitive ones (synthetic), reference
// text written beside it; returns the detector file.
inline std::filesystem::path write_detector(const std::filesystem::path& dir) {
  Rng rng(17, {Purpose::kUser, 0, 0, 0});
  hygiene::ReferenceSpec spec;
  spec.path = dir / "reference.txt";
  write_lines(spec.path, word_texts(300, false, rng));
  const auto real = word_texts(60, false, rng);
  const auto synthetic = word_texts(60, true, rng);
  const auto file = dir / "detector.json";
  hygiene::Detector::train(spec, real, synthetic).save(file);
  return file;
}

// One integer a query over a ledger file returns (its first column of the first row).
inline std::int64_t ledger_integer(const std::filesystem::path& ledger, const std::string& sql) {
  provenance::Database db(ledger, provenance::OpenMode::kExisting);
  provenance::Statement query = db.prepare(sql);
  query.step();
  return query.integer(0);
}

}  // namespace ouro::testing
