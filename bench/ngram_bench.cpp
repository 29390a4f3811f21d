// Kneser-Ney throughput on wikitext-2 (2.09M training tokens, 245k test tokens): training, scoring
// and sampling in tokens per second (Google Benchmark counters), and the model's bytes per n-gram,
// from which the memory of a 100M-token order-3 model is extrapolated in docs/text.md.
// Run: build/bench/ngram_bench (reads ../shared/data/wikitext-2).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "ouro/text/corpus.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/tokenizer.hpp"

namespace {

using namespace ouro::text;

struct Data {
  Vocabulary vocab;
  std::vector<std::vector<TokenId>> train, test;
  std::size_t train_tokens = 0, test_tokens = 0;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    const auto corpus = read_wikitext2(std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2", false);
    WordTokenizer words;
    std::vector<std::vector<std::string>> docs;
    for (const auto& l : corpus.train) docs.push_back(words.tokenize(l));
    out.vocab = Vocabulary::build(docs);
    const auto train = encode_documents(corpus.train, words, out.vocab);
    const auto test = encode_documents(corpus.test, words, out.vocab);
    out.train_tokens = train.size();
    out.test_tokens = test.size();
    out.train = KneserNey::split_sentences(train);
    out.test = KneserNey::split_sentences(test);
    return out;
  }();
  return d;
}

void BM_Train(benchmark::State& state) {
  const Data& d = data();
  const int order = static_cast<int>(state.range(0));
  std::size_t bytes = 0, grams = 0;
  for (auto _ : state) {
    const KneserNey m = KneserNey::train(d.train, order, d.vocab.size());
    bytes = m.memory_bytes();
    grams = 0;
    for (int n = 1; n <= order; ++n) grams += m.ngrams(n);
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(d.train_tokens), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["ngrams"] = static_cast<double>(grams);
  state.counters["bytes/ngram"] = static_cast<double>(bytes) / static_cast<double>(grams);
}

void BM_Score(benchmark::State& state) {
  const Data& d = data();
  const KneserNey m = KneserNey::train(d.train, static_cast<int>(state.range(0)), d.vocab.size());
  double ppl = 0;
  for (auto _ : state) ppl = m.score(d.test).perplexity();
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(d.test_tokens), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["test_ppl"] = ppl;
}

void BM_Sample(benchmark::State& state) {
  const Data& d = data();
  const KneserNey m = KneserNey::train(d.train, 3, d.vocab.size());
  const double temperature = static_cast<double>(state.range(0)) / 100.0;
  ouro::Rng rng(1, {});
  constexpr int kTokens = 200000;
  for (auto _ : state) {
    std::vector<TokenId> history{kBos};
    for (int i = 0; i < kTokens; ++i) {
      const TokenId t = m.sample_tempered(history, temperature, rng);
      if (t == kEos) history.assign(1, kBos); else history.push_back(t);
      if (history.size() > 2) history.erase(history.begin());
    }
    benchmark::DoNotOptimize(history);
  }
  state.counters["tokens/s"] = benchmark::Counter(kTokens, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_Train)->Arg(2)->Arg(3)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Score)->Arg(3)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sample)->Arg(100)->Arg(80)->Arg(50)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
