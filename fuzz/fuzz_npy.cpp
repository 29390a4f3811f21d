// Fuzz target: the .npy reader behind read_array (file truths, `ouro metric`): the magic and
// version, the header length, the Python-literal header (descr, fortran_order, shape), the size
// arithmetic and the element conversion of every dtype. The input is the whole file; every refusal
// must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "ouro/io/array_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "input.npy";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data, size));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] { (void)ouro::read_array(path); });
  return 0;
}
