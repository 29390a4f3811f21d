// Subword tokenizers: a sentencepiece model (BPE or unigram) trained in-process on the training
// documents, or loaded from a `.model` file, behind the Tokenizer interface.
//
// tokenize() returns sentencepiece's pieces as strings (`▁` U+2581 marks a preceding space), and the
// Vocabulary maps them to ids exactly as it maps words, so the n-gram models never see sentencepiece.
// A trained model is set up so that text round-trips: detokenize(tokenize(s)) == s for every UTF-8
// string s that does not itself contain U+2581 (identity normalisation, no whitespace removal; a
// `▁` in the input comes back as a space). Characters never seen in training come out as pieces of
// their own (the Vocabulary then maps them to `<unk>`), so they round-trip too. A literal `<unk>`
// in the text (wikitext-2's unknown-word marker) is always one piece, `<unk>`, which the Vocabulary
// maps to its reserved id 0, as the word tokenizer does; sentencepiece's own unknown piece is
// renamed so that it never collides with it, and it has no `<s>`/`</s>` pieces (the Vocabulary
// owns those).
//
// Training is deterministic: one trainer thread, every sentence used (no sampling), so the same
// documents and settings give the same pieces, byte for byte. The model is immutable after
// construction; tokenize() and detokenize() are const and safe to call from many threads.
//
// sentencepiece itself stays out of this header (pimpl), so only the text library links it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/text/tokenizer.hpp"

namespace ouro::text {

enum class SubwordModel { kBpe, kUnigram };

// "bpe" / "unigram"; parse_subword_model returns false for any other name.
std::string_view subword_model_name(SubwordModel model);
bool parse_subword_model(std::string_view name, SubwordModel* model);

class SentencePieceTokenizer final : public Tokenizer {
 public:
  // Trains a model of `vocab_size` pieces (sentencepiece's count: it includes two reserved pieces,
  // its unknown piece and `<unk>`, and one piece per distinct character of the documents) on
  // `documents`, each one sentencepiece sentence. Throws DataError with sentencepiece's message when
  // it cannot (vocab_size below the characters it must hold or above what the text can supply, or
  // documents without any text); the message names `vocab_size`.
  static SentencePieceTokenizer train(const std::vector<std::string>& documents, SubwordModel model,
                                      std::size_t vocab_size);
  // Loads a model that sentencepiece trained elsewhere (`spm_train`, or serialized_model() written
  // to a file). Its own normalisation and whitespace settings apply, so text may not round-trip.
  // Throws IoError naming the file.
  static SentencePieceTokenizer load(const std::filesystem::path& model_file);

  SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept;
  SentencePieceTokenizer& operator=(SentencePieceTokenizer&&) noexcept;
  ~SentencePieceTokenizer() override;

  // "bpe" or "unigram" when trained here, "sentencepiece" when loaded.
  std::string_view name() const override;
  std::vector<std::string> tokenize(std::string_view document) const override;
  // sentencepiece's DecodePieces: pieces concatenated, `▁` turned back into spaces, the leading
  // space it adds to every document removed.
  std::string detokenize(const std::vector<std::string>& tokens) const override;

  // Pieces in the model, reserved ones included.
  std::size_t piece_count() const;
  // The model as sentencepiece's serialized ModelProto (what a `.model` file holds).
  const std::string& serialized_model() const;

 private:
  struct Impl;
  explicit SentencePieceTokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ouro::text
