// GPT-2 tokenizer test fixtures: the byte-level vocabulary (GPT-2's first 256 ids), vocab.json and
// merges.txt writers, a small BPE trainer that learns merges from text (most frequent adjacent pair
// first, ties to the smaller pair, as a plain reading of Sennrich et al.'s algorithm), and the
// wikitext-2 test split.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/text/corpus.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"
#include "text/temp_files.hpp"

namespace ouro::testing {

// The 256 byte symbols in byte order (GPT-2's own vocab.json starts with them in another order).
inline std::vector<std::string> byte_vocabulary() {
  std::vector<std::string> v;
  for (int b = 0; b < 256; ++b) v.push_back(text::gpt2_byte_symbol(static_cast<unsigned char>(b)));
  return v;
}

inline std::filesystem::path write_vocab_json(const TextDir& dir, const std::vector<std::string>& tokens,
                                              const std::string& name = "vocab.json") {
  nlohmann::json json = nlohmann::json::object();
  for (std::size_t i = 0; i < tokens.size(); ++i) json[tokens[i]] = i;
  return dir.write(name, json.dump());
}

inline std::filesystem::path write_merges_txt(const TextDir& dir,
                                              const std::vector<std::pair<std::string, std::string>>& merges,
                                              const std::string& name = "merges.txt") {
  std::string text = "#version: 0.2\n";
  for (const auto& [a, b] : merges) text += a + " " + b + "\n";
  return dir.write(name, text);
}

// `count` merges learned from the pre-tokens of `lines`; the merged symbols are appended to *vocabulary.
inline std::vector<std::pair<std::string, std::string>> train_merges(const std::vector<std::string>& lines,
                                                                     std::size_t count,
                                                                     std::vector<std::string>* vocabulary) {
  std::map<std::string, long> word_counts;
  for (const auto& line : lines)
    for (const auto& piece : text::gpt2_pretokenize(line)) ++word_counts[piece];
  std::vector<std::pair<std::vector<std::string>, long>> words;
  for (const auto& [piece, n] : word_counts) {
    std::vector<std::string> symbols;
    for (const char c : piece) symbols.push_back(text::gpt2_byte_symbol(static_cast<unsigned char>(c)));
    words.emplace_back(std::move(symbols), n);
  }
  std::vector<std::pair<std::string, std::string>> merges;
  for (std::size_t m = 0; m < count; ++m) {
    std::map<std::pair<std::string, std::string>, long> pairs;
    for (const auto& [symbols, n] : words)
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += n;
    if (pairs.empty()) break;
    auto best = pairs.begin();
    for (auto it = pairs.begin(); it != pairs.end(); ++it)
      if (it->second > best->second) best = it;
    const auto [left, right] = best->first;
    merges.emplace_back(left, right);
    // Two merges may spell the same symbol ("a bc", "ab c"); the vocabulary holds it once.
    if (std::find(vocabulary->begin(), vocabulary->end(), left + right) == vocabulary->end())
      vocabulary->push_back(left + right);
    for (auto& [symbols, n] : words) {
      std::vector<std::string> next;
      for (std::size_t i = 0; i < symbols.size();) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          next.push_back(left + right);
          i += 2;
        } else {
          next.push_back(symbols[i++]);
        }
      }
      symbols = std::move(next);
    }
  }
  return merges;
}

// wikitext-2's test split (empty when the shared data is absent).
inline std::vector<std::string> wikitext_test_lines() {
  const auto folder = std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2";
  if (!std::filesystem::exists(folder)) return {};
  return text::read_wikitext2(folder, false).test;
}

}  // namespace ouro::testing
