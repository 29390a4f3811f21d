// Fuzz target: the idx reader behind the mnist and fashion-mnist truths: gunzipping (or not), the
// magic words, the big-endian header and its size arithmetic. The input is the whole file, read
// both as an images file and as a labels file; every refusal must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "ouro/io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "input-idx";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data, size));
  ouro::fuzz::expect_clean_refusal({path.string()}, [&] { (void)ouro::read_idx_images(path); });
  ouro::fuzz::expect_clean_refusal({path.string()}, [&] { (void)ouro::read_idx_labels(path); });
  return 0;
}
