// CSV arrays: numbers separated by commas, one sample per line.
//
// Rules: blank lines are skipped; a first non-blank line that does not parse entirely as numbers
// is the header, whose fields name the columns (a name in double quotes, as R and pandas may write
// it, loses its quotes; a header whose every name looks like a number is read as data); the header
// and every data line must have as many fields as the first data line. Past the header, a field that
// is not a number is an error naming the file, line, character column and the column (counting
// from 0, with its header name), whether or not that column is chosen later (column_selection.hpp). Numbers are parsed with
// std::from_chars, which is locale-independent ("1.5" everywhere, never "1,5") and exact; a leading
// '+' and spaces around a field are accepted. NaN and Inf are rejected with their position, since no
// model can be fitted on them.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "array_formats.hpp"
#include "ouro/core/error.hpp"

namespace ouro::detail {
namespace {

enum class Parsed { kNumber, kNotNumber };

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Parsed parse_number(std::string_view text, double& value) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  if (text.empty()) return Parsed::kNotNumber;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Out-of-range values (1e999) come back as result_out_of_range; they are not usable numbers.
  if (ec != std::errc() || end != text.data() + text.size()) return Parsed::kNotNumber;
  return Parsed::kNumber;
}

struct Field {
  std::string_view text;  // trimmed
  std::size_t column;     // 1-based character column where the trimmed field starts
};

void split(std::string_view line, std::vector<Field>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string_view raw = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    const std::string_view text = trim(raw);
    const std::size_t offset = text.empty() ? 0 : static_cast<std::size_t>(text.data() - raw.data());
    fields.push_back({text, start + offset + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// A header name without the double quotes a writer may have put around it.
std::string header_name(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return std::string(text);
}

}  // namespace

CsvTable read_csv(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "{}: cannot open for reading: {}", name, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  OURO_CHECK(!in.bad(), IoError, "{}: read failed", name);
  const std::string content = std::move(buffer).str();
  std::string_view rest = content;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // UTF-8 byte-order mark

  std::vector<double> values;
  std::vector<std::string> header;
  std::vector<Field> fields;
  std::size_t cols = 0, rows = 0;
  std::size_t line_number = 0, first_data_line = 0, header_line = 0;
  bool first_line = true;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;

    split(line, fields);
    if (first_line) {
      first_line = false;
      double ignored;
      bool numeric = true;
      for (const Field& f : fields) numeric = numeric && parse_number(f.text, ignored) == Parsed::kNumber;
      if (!numeric) {
        header_line = line_number;
        for (const Field& f : fields) header.push_back(header_name(f.text));
        continue;
      }
    }
    if (cols == 0) {
      cols = fields.size();
      first_data_line = line_number;
      OURO_CHECK(header.empty() || header.size() == cols, DataError,
                 "{}:{}: the header names {} columns, but line {} has {}", name, header_line, header.size(),
                 line_number, cols);
    }
    OURO_CHECK(fields.size() == cols, DataError, "{}:{}: ragged rows: {} columns, but line {} has {}", name,
               line_number, fields.size(), first_data_line, cols);
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const Field& f = fields[k];
      // Columns count from 0 here as in truth.columns and --columns, and carry their header name.
      const auto column = [&] {
        return header.empty() ? fmt::format("column {} of {}, counting from 0", k, cols)
                              : fmt::format("column {} '{}' of {}, counting from 0", k, header[k], cols);
      };
      double value;
      OURO_CHECK(parse_number(f.text, value) == Parsed::kNumber, DataError, "{}:{}:{}: '{}' is not a number ({})",
                 name, line_number, f.column, f.text, column());
      OURO_CHECK(std::isfinite(value), DataError, "{}:{}:{}: '{}' ({}) is not finite; data must be finite", name,
                 line_number, f.column, f.text, column());
      values.push_back(value);
    }
    ++rows;
  }
  OURO_CHECK(rows > 0, DataError, "{}: no samples{}", name,
             header_line ? fmt::format(" (line {} was read as a header because it is not all numbers)", header_line)
                         : std::string(" (the file is empty)"));
  CsvTable table;
  table.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  std::copy(values.begin(), values.end(), table.values.data());
  table.header = std::move(header);
  return table;
}

}  // namespace ouro::detail
