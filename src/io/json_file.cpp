// Sealed JSON files of a run: see json_file.hpp.
#include "ouro/io/json_file.hpp"

#include <fstream>
#include <sstream>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/io/check_word.hpp"

namespace ouro {
namespace {

constexpr const char* kFormatKey = "format";
constexpr const char* kCheckKey = "check";

// The part of a format before its version ("ouro.run" of "ouro.run/1").
std::string_view format_kind(std::string_view format) { return format.substr(0, format.rfind('/')); }

}  // namespace

std::string sealed_json_text(const nlohmann::json& value, std::string_view format) {
  OURO_CHECK(value.is_object(), Error, "internal: a sealed JSON file holds an object, not {}", value.type_name());
  nlohmann::json sealed = value;
  sealed.erase(kCheckKey);
  sealed[kFormatKey] = format;
  // Over the compact text, which a reader rebuilds from what it parsed: keys sorted, numbers in
  // their shortest round-trip form, so the indentation of the file plays no part.
  sealed[kCheckKey] = check_word_text(check_word(sealed.dump()));
  return sealed.dump(2) + '\n';
}

nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view format, std::string_view remedy) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "cannot open '{}'", path.string());
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t size = text.str().size();
    if (e.byte > size) {
      throw DataError(fmt::format("{}: damaged: cut short (its {} bytes end inside the JSON); {}", path.string(),
                                  size, remedy));
    }
    throw DataError(fmt::format("{}: damaged: not valid JSON at byte {} of {}; {}", path.string(), e.byte, size,
                                remedy));
  } catch (const nlohmann::json::exception& e) {
    // The parser's other refusal: a number beyond a double (out_of_range.406).
    throw DataError(fmt::format("{}: damaged: not valid JSON ({}); {}", path.string(), e.what(), remedy));
  }
  OURO_CHECK(value.is_object(), DataError, "{}: damaged: a JSON {}, not an object; {}", path.string(),
             value.type_name(), remedy);
  const nlohmann::json found = value.contains(kFormatKey) ? value[kFormatKey] : nlohmann::json();
  if (found != format) {
    const std::string found_text = found.is_string() ? found.get<std::string>() : std::string();
    if (!found_text.empty() && format_kind(found_text) == format_kind(format)) {
      throw DataError(fmt::format("{}: written in format {}; this ouro reads {}; {}", path.string(), found_text,
                                  format, remedy));
    }
    throw DataError(fmt::format("{}: not a {} file (its format is {}); {}", path.string(), format,
                                found.is_null() ? "not given: written by an older ouro, or not by ouro" : found.dump(),
                                remedy));
  }
  const nlohmann::json check = value.contains(kCheckKey) ? value[kCheckKey] : nlohmann::json();
  value.erase(kCheckKey);
  const std::string expected = check_word_text(check_word(value.dump()));
  OURO_CHECK(check.is_string() && check.get<std::string>() == expected, DataError,
             "{}: damaged: its contents do not match its check word; {}", path.string(), remedy);
  value.erase(kFormatKey);
  return value;
}

void write_json_file(const std::filesystem::path& path, const nlohmann::json& value, std::string_view format) {
  AtomicFile file(path);
  file.stream() << sealed_json_text(value, format);
  file.commit();
}

}  // namespace ouro
