// SentencePieceTokenizer (see subword_tokenizer.hpp): training with sentencepiece's in-memory
// sentence iterator (no temporary files), the settings that make pieces reproducible and text
// round-trip, and sentencepiece's status messages turned into ouro errors.
#include "ouro/text/subword_tokenizer.hpp"

#include <algorithm>
#include <climits>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

// sentencepiece's own unknown piece. It is never emitted by Encode (unknown characters come out as
// themselves), but Decode turns a piece spelled like it into " ⁇ ", so it must not be `<unk>`, which
// stays a user-defined piece that decodes to itself.
constexpr const char* kSentencePieceUnk = "<sentencepiece-unk>";

// Feeds the documents to the trainer without copying them into a file.
class DocumentIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit DocumentIterator(const std::vector<std::string>& documents) : documents_(documents) {}
  bool done() const override { return next_ >= documents_.size(); }
  void Next() override { ++next_; }
  const std::string& value() const override { return documents_[next_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& documents_;
  std::size_t next_ = 0;
};

// sentencepiece's messages start with the source location and the failed condition
// ("./src/trainer_interface.cc(660) [(a) == (b)] Vocabulary size too high ..."); users need the
// sentence after it. Its advice to lower character_coverage does not apply: this tokenizer fixes it
// at 1.0 so that every training character is a piece.
std::string status_message(const sentencepiece::util::Status& status) {
  std::string message = status.error_message();
  const auto open = message.find(" [");
  const auto close = message.find("] ", open == std::string::npos ? 0 : open);
  if (message.find(".cc(") != std::string::npos && open != std::string::npos && close != std::string::npos &&
      close + 2 < message.size())
    message = message.substr(close + 2);
  const std::string coverage_advice = " or decrease character_coverage with --character_coverage option";
  if (const auto at = message.find(coverage_advice); at != std::string::npos) message.erase(at, coverage_advice.size());
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message.empty() ? status.ToString() : message;
}

}  // namespace

struct SentencePieceTokenizer::Impl {
  std::string name;
  std::string serialized;
  sentencepiece::SentencePieceProcessor processor;
};

std::string_view subword_model_name(SubwordModel model) { return model == SubwordModel::kBpe ? "bpe" : "unigram"; }

bool parse_subword_model(std::string_view name, SubwordModel* model) {
  if (name == "bpe") *model = SubwordModel::kBpe;
  else if (name == "unigram") *model = SubwordModel::kUnigram;
  else return false;
  return true;
}

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SentencePieceTokenizer::SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer& SentencePieceTokenizer::operator=(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

SentencePieceTokenizer SentencePieceTokenizer::train(const std::vector<std::string>& documents, SubwordModel model,
                                                     std::size_t vocab_size) {
  const auto type = subword_model_name(model);
  // sentencepiece reports an empty corpus only as a failed condition with no text.
  OURO_CHECK(std::any_of(documents.begin(), documents.end(), [](const std::string& d) { return !d.empty(); }),
             DataError, "cannot train a {} tokenizer: the {} training documents hold no text", type, documents.size());
  OURO_CHECK(vocab_size <= static_cast<std::size_t>(INT_MAX), DataError,
             "cannot train a {} tokenizer of vocab_size {}: sentencepiece takes at most {} pieces", type, vocab_size,
             INT_MAX);
  // sentencepiece skips sentences longer than max_sentence_length bytes (default 4192) and accepts
  // limits in [10, 2^30]; every document counts here.
  constexpr std::size_t kShortestLimit = 10, kLongestLimit = std::size_t{1} << 30;
  std::size_t longest = kShortestLimit;
  for (const auto& d : documents) longest = std::max(longest, d.size());
  OURO_CHECK(longest <= kLongestLimit, DataError,
             "cannot train a {} tokenizer: a document of {} bytes exceeds sentencepiece's limit of {} bytes", type,
             longest, kLongestLimit);

  const std::unordered_map<std::string, std::string> options = {
      {"model_type", std::string(type)},
      {"vocab_size", std::to_string(vocab_size)},
      // Determinism: one thread (the unigram trainer's E-step sums per-thread partial counts, so a
      // different count changes the floating-point sums), and every sentence used: with
      // input_sentence_size = 0 nothing is sampled, so sentencepiece's random generator is never
      // drawn from (it has no seed option of its own).
      {"num_threads", "1"},
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
      {"max_sentence_length", std::to_string(longest)},
      // Round trip: no NFKC, no whitespace folding; every character of the text is a piece.
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"add_dummy_prefix", "true"},
      {"character_coverage", "1.0"},
      {"byte_fallback", "false"},
      // The Vocabulary owns <unk>, </s> and <s>: keep wikitext's <unk> one piece, drop sentencepiece's
      // own sentence markers, and rename its unknown piece (see kSentencePieceUnk).
      {"unk_id", "0"},
      {"unk_piece", kSentencePieceUnk},
      {"bos_id", "-1"},
      {"eos_id", "-1"},
      {"pad_id", "-1"},
      {"user_defined_symbols", "<unk>"},
      // Its INFO log is thousands of lines per model; failures come back as a status anyway.
      {"minloglevel", "2"},
  };
  DocumentIterator sentences(documents);
  auto impl = std::make_unique<Impl>();
  impl->name = std::string(type);
  const auto trained = sentencepiece::SentencePieceTrainer::Train(options, &sentences, &impl->serialized);
  OURO_CHECK(trained.ok(), DataError, "cannot train a {} tokenizer of vocab_size {} on {} documents: {}", type,
             vocab_size, documents.size(), status_message(trained));
  const auto loaded = impl->processor.LoadFromSerializedProto(impl->serialized);
  OURO_CHECK(loaded.ok(), DataError, "the trained {} model does not load: {}", type, status_message(loaded));
  return SentencePieceTokenizer(std::move(impl));
}

SentencePieceTokenizer SentencePieceTokenizer::load(const std::filesystem::path& model_file) {
  std::ifstream in(model_file, std::ios::binary);
  OURO_CHECK(in.good(), IoError, "{}: cannot open the sentencepiece model", model_file.string());
  auto impl = std::make_unique<Impl>();
  impl->name = "sentencepiece";
  impl->serialized.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  OURO_CHECK(!in.bad(), IoError, "{}: read error", model_file.string());
  const auto loaded = impl->processor.LoadFromSerializedProto(impl->serialized);
  OURO_CHECK(loaded.ok(), IoError, "{}: not a sentencepiece model: {}", model_file.string(), status_message(loaded));
  return SentencePieceTokenizer(std::move(impl));
}

std::string_view SentencePieceTokenizer::name() const { return impl_->name; }

std::vector<std::string> SentencePieceTokenizer::tokenize(std::string_view document) const {
  std::vector<std::string> pieces;
  const auto status = impl_->processor.Encode(document, &pieces);
  OURO_CHECK(status.ok(), DataError, "sentencepiece cannot encode a document: {}", status_message(status));
  return pieces;
}

std::string SentencePieceTokenizer::detokenize(const std::vector<std::string>& tokens) const {
  std::string text;
  const auto status = impl_->processor.Decode(tokens, &text);
  OURO_CHECK(status.ok(), DataError, "sentencepiece cannot decode pieces: {}", status_message(status));
  return text;
}

std::size_t SentencePieceTokenizer::piece_count() const {
  return static_cast<std::size_t>(impl_->processor.GetPieceSize());
}

const std::string& SentencePieceTokenizer::serialized_model() const { return impl_->serialized; }

}  // namespace ouro::text
