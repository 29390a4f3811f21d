// Fuzz target: the .csv reader behind read_array (file truths, `ouro metric`): the byte-order mark,
// line splitting, the header guess and its names, field trimming, number parsing and the
// ragged-row and finiteness checks; then column selection over what was read (every column, the
// last header name, an index past the end) and the id-like column guess. The input is the whole
// file; every refusal must be an ouro::Error naming it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/io/column_selection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "input.csv";
  ouro::fuzz::write_file(path, ouro::fuzz::as_text(data, size));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    const ouro::ArrayTable table = ouro::read_array_table(path);
    (void)ouro::select_columns(table, {}, path, "--columns");
    (void)ouro::id_like_column(table);
    if (!table.header.empty()) (void)ouro::select_columns(table, {table.header.back()}, path, "--columns");
    // An index one past the last column is refused by a ConfigError naming the file.
    (void)ouro::select_columns(table, {std::to_string(table.values.cols())}, path, "--columns");
  });
  return 0;
}
