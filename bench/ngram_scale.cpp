// Memory and time of an order-3 Kneser-Ney model on a corpus of 100M tokens (the scale docs/text.md
// promises within this machine's 24 GB). No 100M-token corpus ships with the project, so the corpus
// is drawn from an order-3 model of wikitext-2 (temperature 1, unconditional sentences): sampled
// text has more distinct n-grams per token than real text (smoothing invents combinations), so
// the figures are an upper estimate for natural text of the same size.
//
// Prints the corpus size, the n-gram counts, the trained model's bytes, the peak resident memory
// of the process (getrusage, which includes the corpus itself) and the times, as JSON.
//
// Run: build/bench/ngram_scale [tokens, default 100000000] [order, default 3]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ouro/core/rng.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"

namespace {

using namespace ouro::text;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB on Linux
}

// Sentences of about `tokens` tokens in all (each sentence counted with its </s>).
std::vector<std::vector<TokenId>> sample_corpus(const KneserNey& model, std::size_t tokens) {
  ouro::Rng rng(7, {});
  std::vector<std::vector<TokenId>> sentences;
  std::size_t drawn = 0;
  std::vector<TokenId> history;
  while (drawn < tokens) {
    std::vector<TokenId> sentence;
    history.assign(1, kBos);
    for (;;) {
      const TokenId t = model.sample(history, rng);
      ++drawn;
      if (t == kEos) break;
      sentence.push_back(t);
      history.push_back(t);
      if (history.size() >= static_cast<std::size_t>(model.order())) history.erase(history.begin());
    }
    sentences.push_back(std::move(sentence));
  }
  return sentences;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t tokens = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000'000;
  const int order = argc > 2 ? std::atoi(argv[2]) : 3;
  const auto corpus = read_wikitext2(std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2", false);
  WordTokenizer words;
  std::vector<std::vector<std::string>> docs;
  for (const auto& line : corpus.train) docs.push_back(words.tokenize(line));
  const Vocabulary vocab = Vocabulary::build(docs);
  const auto train = KneserNey::split_sentences(encode_documents(corpus.train, words, vocab));
  const KneserNey source = KneserNey::train(train, 3, vocab.size());

  auto start = Clock::now();
  const auto sentences = sample_corpus(source, tokens);
  const double sample_seconds = seconds_since(start);
  const double corpus_rss = peak_rss_gib();

  start = Clock::now();
  const KneserNey model = KneserNey::train(sentences, order, vocab.size());
  const double train_seconds = seconds_since(start);

  nlohmann::ordered_json out;
  out["tokens"] = tokens;
  out["sentences"] = sentences.size();
  out["order"] = order;
  for (int n = 1; n <= order; ++n) out["ngrams_" + std::to_string(n)] = model.ngrams(n);
  out["model_gib"] = static_cast<double>(model.memory_bytes()) / (1024.0 * 1024.0 * 1024.0);
  out["peak_rss_after_sampling_gib"] = corpus_rss;
  out["peak_rss_gib"] = peak_rss_gib();
  out["sample_seconds"] = sample_seconds;
  out["train_seconds"] = train_seconds;
  out["train_tokens_per_second"] = static_cast<double>(tokens) / train_seconds;
  std::puts(out.dump(2).c_str());
  return 0;
}
