// Fuzz target: a text run's samples.jsonl as the report reads it (read_sample_texts): JSON per
// line, the index and text fields, the replicate/generation/sample selection with its eviction of
// higher replicates, duplicate detection and UTF-8-safe truncation.
//
// The first two bytes set the run's generation count (0-255) and the limits (small, so selection
// and eviction happen on short inputs); the rest is the file. Every refusal must be an ouro::Error
// naming the file. A kept text must stay within the character limit.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "ouro/report/text_samples.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "samples.jsonl";
  const std::size_t generations = data[0];
  ouro::report::TextLimits limits;
  limits.replicates = data[1] & 3;
  limits.samples = (data[1] >> 2) & 3;
  limits.generations = 1 + ((data[1] >> 4) & 3);
  limits.characters = data[1] >> 6 == 0 ? 2000 : (data[1] >> 6);
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data + 2, size - 2));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    const ouro::report::SampleTexts texts = ouro::report::read_sample_texts(path, generations, limits);
    for (const ouro::report::TextSample& text : texts.texts) {
      bool cut = false;
      (void)ouro::report::truncate_utf8(text.text, limits.characters, cut);
      if (cut) ouro::fuzz::finding("a kept text is longer than the character limit", text.text);
    }
  });
  return 0;
}
