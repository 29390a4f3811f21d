// Fuzz target: the safetensors reader (GPT-2 checkpoints for the transformer family): the header
// length, the JSON header and its every field, the offset and overlap checks, then each tensor's
// conversion to float. The input is the whole file; every refusal must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "ouro/io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "input.safetensors";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data, size));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    const auto file = ouro::SafetensorsFile::open(path);
    for (const auto& name : file.names()) {
      const auto& t = file.tensor(name);
      (void)file.bytes(name);
      if (t.dtype == "F32" || t.dtype == "F16" || t.dtype == "BF16") (void)file.to_float(name);
    }
  });
  return 0;
}
