// Fuzz target: the .csv reader behind read_array (file truths, `ouro metric`): the byte-order mark,
// line splitting, the header guess, field trimming, number parsing and the ragged-row and
// finiteness checks. The input is the whole file; every refusal must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "ouro/io/array_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "input.csv";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data, size));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] { (void)ouro::read_array(path); });
  return 0;
}
