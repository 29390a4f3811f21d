// Fuzz target: GPT-2's tokenizer files and its round trip. The first byte chooses: 0, the input is a
// vocab.json; 1, a merges.txt (checked against a byte-level vocabulary); otherwise the input is text,
// tokenized by a tokenizer with a few merges, and detokenize(tokenize(text)) must give it back byte
// for byte (a difference is a finding). Every refusal of a file must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"

namespace {

const ouro::text::Gpt2Tokenizer& fixed_tokenizer() {
  static const ouro::text::Gpt2Tokenizer tokenizer = [] {
    std::vector<std::string> vocabulary;
    for (int b = 0; b < 256; ++b) vocabulary.push_back(ouro::text::gpt2_byte_symbol(static_cast<unsigned char>(b)));
    const std::string g = ouro::text::gpt2_byte_symbol(' ');
    std::vector<ouro::text::Gpt2Merge> merges = {{g, "t", 1}, {"h", "e", 2}, {g + "t", "he", 3}, {"e", "e", 4}};
    for (const auto& m : merges) vocabulary.push_back(m.left + m.right);
    vocabulary.emplace_back("<|endoftext|>");
    return ouro::text::Gpt2Tokenizer(std::move(vocabulary), merges);
  }();
  return tokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = ouro::fuzz::as_text(data + 1, size - 1);
  const int mode = data[0] % 3;
  if (mode == 2) {
    const auto& tokenizer = fixed_tokenizer();
    if (tokenizer.detokenize(tokenizer.tokenize(rest)) != rest)
      ouro::fuzz::finding("detokenize(tokenize(s)) != s", rest);
    return 0;
  }
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "gpt2-file";
  ouro::fuzz::write_file(path, rest);
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    if (mode == 0) {
      (void)ouro::text::read_gpt2_vocabulary(path);
    } else {
      std::vector<std::string> vocabulary;
      for (int b = 0; b < 256; ++b) vocabulary.push_back(ouro::text::gpt2_byte_symbol(static_cast<unsigned char>(b)));
      const ouro::text::Gpt2Tokenizer t(std::move(vocabulary), ouro::text::read_gpt2_merges(path), path.string());
      (void)t.tokenize("the quick brown fox");
    }
  });
  return 0;
}
