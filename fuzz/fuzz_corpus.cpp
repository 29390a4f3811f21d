// Fuzz target: corpus files (src/text/corpus.cpp), as a corpus truth reads them, and what a text run
// does with the documents next: tokenizing (word and character tokenizers), building the
// vocabulary and encoding the corpus as one id stream.
//
// The first byte chooses the reader: plain text split by line (wikitext-2's layout) or by blank
// line, or JSONL with a "text" field; the rest is the file. Every refusal must be an ouro::Error
// naming the file (and, for bad UTF-8 or JSON, its line).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/text/tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "corpus.txt";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data + 1, size - 1));
  const int mode = data[0] % 3;
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    using namespace ouro::text;
    const std::vector<std::string> documents =
        mode == 2 ? read_jsonl(path, "text")
                  : read_text(path, mode == 0 ? DocumentSplit::kLine : DocumentSplit::kParagraph);
    const WordTokenizer words;
    const CharTokenizer characters;
    for (const Tokenizer* tokenizer : {static_cast<const Tokenizer*>(&words), static_cast<const Tokenizer*>(&characters)}) {
      std::vector<std::vector<std::string>> tokenized;
      for (const std::string& document : documents) tokenized.push_back(tokenizer->tokenize(document));
      const Vocabulary vocabulary = Vocabulary::build(tokenized, 2);
      std::size_t oov = 0;
      (void)encode_documents(documents, *tokenizer, vocabulary, &oov);
      // Detokenizing a character tokenization is concatenation: it must give the document back.
      for (std::size_t d = 0; d < documents.size() && tokenizer == &characters; ++d) {
        if (tokenizer->detokenize(tokenized[d]) != documents[d]) {
          ouro::fuzz::finding("character tokens do not concatenate to their document", documents[d]);
        }
      }
    }
  });
  return 0;
}
