// CorpusTruth and its builder (see ngram_corpus.hpp).
#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/subword_tokenizer.hpp"
#include "ouro/text/utf8.hpp"
#include "truth_kinds.hpp"

namespace ouro {

Matrix token_blocks(const std::vector<text::TokenId>& stream, std::size_t block) {
  const std::size_t rows = (stream.size() + block - 1) / block;
  Matrix out = Matrix::Constant(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(block), -1.0);
  for (std::size_t i = 0; i < stream.size(); ++i)
    out(static_cast<Eigen::Index>(i / block), static_cast<Eigen::Index>(i % block)) = static_cast<double>(stream[i]);
  return out;
}

CorpusTruth::CorpusTruth(std::string source, const std::vector<std::string>& train,
                         const std::vector<std::string>& valid, const std::vector<std::string>& test,
                         std::unique_ptr<text::Tokenizer> tokenizer,
                         std::size_t block_tokens, std::size_t max_tokens)
    : source_(std::move(source)), tokenizer_(std::move(tokenizer)), block_tokens_(block_tokens) {
  // The training stream, cut at max_tokens, and the vocabulary of exactly those tokens.
  std::vector<std::vector<std::string>> docs;
  std::size_t tokens = 0;
  for (const auto& doc : train) {
    if (max_tokens > 0 && tokens >= max_tokens) break;
    docs.push_back(tokenizer_->tokenize(doc));
    tokens += docs.back().size() + 1;
  }
  // A tokenizer with its own vocabulary (gpt2) fixes the ids: all of its tokens, in its order, so a
  // pretrained model's embedding rows map by a fixed offset whatever the corpus holds.
  const auto fixed = tokenizer_->fixed_vocabulary();
  vocabulary_ = fixed.empty() ? text::Vocabulary::build(docs) : text::Vocabulary::from_list(fixed);
  std::vector<text::TokenId> stream;
  for (const auto& doc : docs) {
    const auto ids = vocabulary_.encode(doc);
    stream.insert(stream.end(), ids.begin(), ids.end());
    stream.push_back(text::kEos);
  }
  if (max_tokens > 0 && stream.size() > max_tokens) stream.resize(max_tokens);
  OURO_CHECK(!stream.empty(), DataError, "{}: the training split holds no tokens", source_);
  train_tokens_ = stream.size();
  train_counts_.assign(vocabulary_.size(), 0);
  for (text::TokenId t : stream) ++train_counts_[t];
  pool_ = Samples::tokens_from_padded_rows(token_blocks(stream, block_tokens_));

  std::size_t oov = 0;
  const auto test_stream = text::encode_documents(test, *tokenizer_, vocabulary_, &oov);
  OURO_CHECK(!test_stream.empty(), DataError, "{}: the test split holds no tokens", source_);
  test_sentences_ = text::KneserNey::split_sentences(test_stream);
  test_tokens_ = test_stream.size();
  test_oov_rate_ = static_cast<double>(oov) / static_cast<double>(test_tokens_);
  test_blocks_ = token_blocks(test_stream, block_tokens_);
  if (!valid.empty()) valid_sentences_ = text::KneserNey::split_sentences(text::encode_documents(valid, *tokenizer_, vocabulary_));
}

Samples CorpusTruth::draw(std::size_t n, Rng& rng) const {
  const auto size = static_cast<std::size_t>(pool_.size());
  OURO_CHECK(n <= size, DataError,
             "{}: asked for {} distinct training blocks of {} tokens but the training split holds {} (set "
             "truth.max_tokens, truth.block_tokens or loop.initial)",
             source_, n, block_tokens_, size);
  std::vector<std::size_t> indices(size);
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  for (std::size_t i = 0; i < n; ++i) std::swap(indices[i], indices[i + rng.below(size - i)]);
  indices.resize(n);
  return pool_.select(indices);
}

Matrix CorpusTruth::sample(std::size_t n, Rng& rng) const {
  // Rows of the block length (the short last block padded with -1 like the rest).
  const Samples blocks = draw(n, rng);
  Matrix out = Matrix::Constant(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(block_tokens_), -1.0);
  for (Eigen::Index i = 0; i < blocks.size(); ++i) {
    const auto t = blocks.tokens(i);
    for (std::size_t j = 0; j < t.size(); ++j) out(i, static_cast<Eigen::Index>(j)) = t[j];
  }
  return out;
}

Matrix CorpusTruth::test_set(std::size_t n, Rng& /*rng*/) const {
  OURO_CHECK(n <= static_cast<std::size_t>(test_blocks_.rows()), DataError,
             "{}: metrics.test_samples = {} but the test split holds {} blocks of {} tokens", source_, n,
             test_blocks_.rows(), block_tokens_);
  return test_blocks_.topRows(static_cast<Eigen::Index>(n));
}

std::string CorpusTruth::render(std::span<const std::int32_t> tokens) const {
  std::string out;
  std::vector<std::string> line;
  for (const std::int32_t token : tokens) {
    const auto id = static_cast<text::TokenId>(token);
    if (id == text::kEos) {
      out += tokenizer_->detokenize(line) + "\n";
      line.clear();
    } else {
      line.push_back(id < vocabulary_.size() ? vocabulary_.token(id) : "<unk>");
    }
  }
  // A byte-level tokenizer's model may emit half a character; what is written out stays UTF-8.
  return text::valid_utf8(out + tokenizer_->detokenize(line));
}

std::string CorpusTruth::render(const Eigen::Ref<const Eigen::RowVectorXd>& row) const {
  std::vector<std::int32_t> tokens;
  for (Eigen::Index j = 0; j < row.size(); ++j)
    if (row[j] >= 0) tokens.push_back(static_cast<std::int32_t>(row[j]));
  return render(tokens);
}

namespace detail {
namespace {

// The leading training documents a subword tokenizer learns from: those CorpusTruth's vocabulary can
// come from. CorpusTruth stops taking documents once max_tokens tokens are in, and a model trained
// here gives each space-separated word at least one piece (pieces never span a space), so counting
// words instead of pieces reaches every document the vocabulary is built from (and a few more).
std::vector<std::string> tokenizer_documents(const std::vector<std::string>& train, std::size_t max_tokens) {
  if (max_tokens == 0) return train;
  std::vector<std::string> out;
  std::size_t tokens = 0;
  for (const auto& doc : train) {
    if (tokens >= max_tokens) break;
    out.push_back(doc);
    std::size_t words = 0;
    for (std::size_t i = 0; i < doc.size(); ++i) words += doc[i] != ' ' && (i == 0 || doc[i - 1] == ' ');
    tokens += words + 1;
  }
  return out;
}

// A subword vocabulary larger than half the distinct words of its training text has merged most
// words whole: a test word it never saw then splits into short pieces that the merges absorbed,
// which never occur in the training tokens and so read as <unk>. On the first 77 KB of
// tinyshakespeare (3,798 distinct words) BPE leaves oov_rate 0.008 at 2000 pieces, 0.096 at 4000
// and 0.18 at 8000 (docs/text.md), hence the bound and the advice.
void warn_if_vocabulary_too_large(const std::vector<std::string>& documents, const std::string& tokenizer,
                                  std::size_t vocab_size) {
  std::unordered_set<std::string_view> words;
  for (const std::string& doc : documents) {
    const std::string_view text(doc);
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t start = text.find_first_not_of(" \t\r\n", at);
      if (start == std::string_view::npos) break;
      const std::size_t end = std::min(text.find_first_of(" \t\r\n", start), text.size());
      words.insert(text.substr(start, end - start));
      at = end;
    }
  }
  const std::size_t bound = words.size() / 2;
  if (vocab_size <= bound) return;
  spdlog::warn("truth.vocab_size = {}: the {} tokenizer's training text holds {} distinct words; a vocabulary of "
               "more than half that learns most words whole, and test words it never saw split into pieces that "
               "never occur in the training tokens, so they count as <unk> (oov_rate); set truth.vocab_size to at "
               "most {}",
               vocab_size, tokenizer, words.size(), std::max<std::size_t>(bound, 4));
}

std::unique_ptr<text::Tokenizer> make_corpus_tokenizer(const Config& config, const std::vector<std::string>& train,
                                                       std::size_t max_tokens) {
  const std::string& name = config.text("truth.tokenizer");
  const bool has_model = config.has("truth.tokenizer_model");
  if (name == "sentencepiece") {
    if (!has_model) config.fail("truth.tokenizer", "set truth.tokenizer_model to the sentencepiece .model file");
    try {
      return std::make_unique<text::SentencePieceTokenizer>(
          text::SentencePieceTokenizer::load(config.text("truth.tokenizer_model")));
    } catch (const Error& e) {
      config.fail("truth.tokenizer_model", e.what());
    }
  }
  if (has_model) config.fail("truth.tokenizer_model", "a model file is used only with truth.tokenizer = \"sentencepiece\"");
  const bool has_vocab = config.has("truth.tokenizer_vocab");
  const bool has_merges = config.has("truth.tokenizer_merges");
  if (name == "gpt2") {
    if (!has_vocab) config.fail("truth.tokenizer", "set truth.tokenizer_vocab to GPT-2's vocab.json");
    if (!has_merges) config.fail("truth.tokenizer", "set truth.tokenizer_merges to GPT-2's merges.txt");
    std::vector<std::string> vocabulary;
    try {
      vocabulary = text::read_gpt2_vocabulary(config.text("truth.tokenizer_vocab"));
    } catch (const Error& e) {
      config.fail("truth.tokenizer_vocab", e.what());
    }
    const std::string& merges = config.text("truth.tokenizer_merges");
    try {
      return std::make_unique<text::Gpt2Tokenizer>(std::move(vocabulary), text::read_gpt2_merges(merges), merges);
    } catch (const Error& e) {
      config.fail("truth.tokenizer_merges", e.what());
    }
  }
  for (const char* key : {"truth.tokenizer_vocab", "truth.tokenizer_merges"})
    if (config.has(key)) config.fail(key, "used only with truth.tokenizer = \"gpt2\"");
  if (auto fixed = text::make_tokenizer(name)) return fixed;
  text::SubwordModel model{};
  if (!text::parse_subword_model(name, &model)) config.fail("truth.tokenizer", "expected word, char, bpe, unigram, sentencepiece or gpt2");
  const auto documents = tokenizer_documents(train, max_tokens);
  if (std::all_of(documents.begin(), documents.end(), [](const std::string& d) { return d.empty(); }))
    config.fail("truth.path", fmt::format("the training split holds no text to train the {} tokenizer on", name));
  const auto vocab_size = static_cast<std::size_t>(config.integer("truth.vocab_size"));
  warn_if_vocabulary_too_large(documents, name, vocab_size);
  try {
    return std::make_unique<text::SentencePieceTokenizer>(text::SentencePieceTokenizer::train(documents, model, vocab_size));
  } catch (const DataError& e) {
    // With every other sentencepiece setting fixed, the piece count is what the text cannot support.
    config.fail("truth.vocab_size", e.what());
  }
}

}  // namespace

std::unique_ptr<Truth> make_corpus_truth(const Config& config, std::uint64_t /*seed*/) {
  const std::string& path = config.text("truth.path");
  if (path.empty()) config.fail("truth.path", "a corpus truth needs the wikitext-2 folder or a text/JSONL file");
  const std::string& layout = config.text("truth.corpus");
  const auto block = static_cast<std::size_t>(config.integer("truth.block_tokens"));
  const auto max_tokens = static_cast<std::size_t>(config.integer("truth.max_tokens"));
  std::vector<std::string> train, valid, test;
  // Reader errors name the file and line already.
  {
    if (layout == "wikitext-2") {
      auto corpus = text::read_wikitext2(path, config.boolean("truth.verify"));
      train = std::move(corpus.train);
      valid = std::move(corpus.valid);
      test = std::move(corpus.test);
    } else {
      std::vector<std::string> docs;
      if (layout == "jsonl") {
        docs = text::read_jsonl(path, config.text("truth.field"));
      } else {
        docs = text::read_text(path, config.text("truth.documents") == "paragraph" ? text::DocumentSplit::kParagraph
                                                                                 : text::DocumentSplit::kLine);
      }
      // The last 10% of documents (at least one) are the test split.
      const std::size_t held = std::max<std::size_t>(1, docs.size() / 10);
      if (docs.size() < 2) config.fail("truth.path", "a text or JSONL corpus needs at least two documents (train and test)");
      test.assign(docs.end() - static_cast<std::ptrdiff_t>(held), docs.end());
      docs.resize(docs.size() - held);
      train = std::move(docs);
    }
  }
  auto tokenizer = make_corpus_tokenizer(config, train, max_tokens);
  return std::make_unique<CorpusTruth>(path, train, valid, test, std::move(tokenizer), block, max_tokens);
}

}  // namespace detail
}  // namespace ouro
