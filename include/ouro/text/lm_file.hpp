// n-gram language model files: ARPA text (the interchange format of SRILM and KenLM) and the
// project's binary form of a BackoffModel (backoff_model.hpp), each with its vocabulary.
//
// ARPA: a `\data\` header of `ngram N=COUNT` lines, one `\N-grams:` section per order whose lines
// are `log10(prob) <tab> w1 .. wN [<tab> log10(backoff)]`, then `\end\`. Written from a Kneser-Ney
// model with twelve significant digits (probabilities survive a round trip to about 1e-10), `<s>`'s
// probability as -99 (SRILM's and KenLM's convention for "never predicted") and back-off weights
// only for n-grams that are contexts. Read leniently where the writers differ (tabs or spaces,
// blank lines, text before `\data\`, missing back-off columns) and strictly where a file is
// damaged: a count that disagrees with its section, a missing section or `\end\`, a field that is
// not a number, an n-gram over a word the unigrams do not list; each error names the file and
// line. The special words map to the reserved ids: `<unk>` to kUnk, `</s>` to kEos, `<s>` to
// kBos; `</s>` and `<s>` must be listed, and a file without `<unk>` (SRILM without -unk) gets it
// with log10 probability -100, as KenLM does.
//
// Binary: "OUROLM01", the order, the counts, the vocabulary, the unigram entries and each higher
// order's probing table as stored in memory (little-endian), then an XXH3 check word over all of
// it, so a damaged file is refused before it is decoded. Loading is one read and a copy.
#pragma once

#include <filesystem>
#include <iosfwd>

#include "ouro/text/backoff_model.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::text {

struct WordModel {
  Vocabulary vocabulary;
  BackoffModel model;
};

// Writes `model` (over `vocabulary`, whose size must be the model's) as ARPA text.
void write_arpa(const KneserNey& model, const Vocabulary& vocabulary, std::ostream& out);
// Reads an ARPA file (errors as above: DataError naming file:line, IoError when unreadable).
WordModel read_arpa(const std::filesystem::path& path);

// Writes the binary form through an AtomicFile (complete or absent).
void write_binary_lm(const WordModel& model, const std::filesystem::path& path);
WordModel read_binary_lm(const std::filesystem::path& path);

// A model file of either kind, told apart by the binary form's first eight bytes.
WordModel read_lm(const std::filesystem::path& path);

}  // namespace ouro::text
