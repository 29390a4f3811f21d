// The strict CSV reader shared by the report's readers (see csv_reader.hpp).
#include "csv_reader.hpp"

#include <algorithm>
#include <charconv>

#include "ouro/core/error.hpp"

namespace ouro::report::detail {

namespace {

// Checked before the file is opened, so that the message can say what folder was expected.
const std::filesystem::path& existing(const std::filesystem::path& path) {
  OURO_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: cannot open (is '{}' a folder written by `ouro run`?)",
             path.string(), path.parent_path().string());
  return path;
}

}  // namespace

CsvReader::CsvReader(const std::filesystem::path& path, std::string_view expected_header)
    : path_(path), in_(existing(path)) {
  std::string header;
  OURO_CHECK(in_.next(header), DataError, "{}: empty file, expected the header '{}'",
             path.string(), expected_header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  OURO_CHECK(header == expected_header, DataError, "{}:1: header is '{}', expected '{}'", path.string(), header,
             expected_header);
  columns_ = 1 + static_cast<std::size_t>(std::count(expected_header.begin(), expected_header.end(), ','));
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  while (in_.next(line_)) {
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.empty()) continue;
    fields.clear();
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line_.find(',', start);
      fields.emplace_back(std::string_view(line_).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    OURO_CHECK(fields.size() == columns_, DataError, "{}:{}: expected {} fields, found {} in '{}'", path_.string(),
               line(), columns_, fields.size(), line_);
    return true;
  }
  return false;
}

std::size_t CsvReader::index(std::string_view field, std::string_view column) const {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  OURO_CHECK(ec == std::errc() && end == field.data() + field.size() && !field.empty() && value <= kMaxIndex,
             DataError, "{}:{}: {} '{}' is not a non-negative integer", path_.string(), line(), column, field);
  return value;
}

double CsvReader::number(std::string_view field, std::string_view column) const {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  // Out-of-range literals (1e999) parse as errors; the recorder writes them as inf instead.
  OURO_CHECK(ec == std::errc() && end == field.data() + field.size() && !field.empty(), DataError,
             "{}:{}: {} '{}' is not a number", path_.string(), line(), column, field);
  return value;
}

}  // namespace ouro::report::detail
