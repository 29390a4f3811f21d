// Internal to src/report: a strict reader of the recorder's CSV files (metrics.csv, theory.csv,
// composition.csv, ppl_gen0_histogram.csv). The recorder writes no quoting and one record per line,
// so any deviation (header, field count, a field that is not a number) is reported with the file
// and line rather than guessed around.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/io/gzip.hpp"

namespace ouro::report::detail {

// Generations (and other indices) beyond this are refused as a corrupt field rather than allocated.
inline constexpr std::size_t kMaxIndex = 10'000'000;

class CsvReader {
 public:
  // Opens `path` (gzipped or plain) and checks its header; throws IoError (cannot open) or DataError (empty, wrong header).
  CsvReader(const std::filesystem::path& path, std::string_view expected_header);

  // Next record split into fields; false at the end of the file. Blank lines are skipped.
  bool next(std::vector<std::string_view>& fields);

  // The field as a non-negative integer no larger than kMaxIndex; DataError naming `column` otherwise.
  std::size_t index(std::string_view field, std::string_view column) const;
  // The field as a number ("inf" and "nan" included); DataError naming `column` otherwise.
  double number(std::string_view field, std::string_view column) const;

  // 1-based line number of the record last returned (the header is line 1).
  std::size_t line() const { return line_number_ + 1; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  TextLines in_;
  std::string line_;
  std::size_t line_number_ = 0;
  std::size_t columns_ = 0;
};

}  // namespace ouro::report::detail
