// Numbers given on the command line as text, parsed here rather than by CLI11 so that a value that
// is not a number ends with a message naming the flag and the text, as every other bad input does.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "ouro/core/error.hpp"

namespace ouro::cli {

inline std::int64_t parse_integer_flag(const std::string& flag, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  OURO_CHECK(!text.empty() && ec == std::errc() && end == text.data() + text.size(), ConfigError,
             "{} {}: expected an integer", flag, text.empty() ? "''" : text);
  return value;
}

inline double parse_real_flag(const std::string& flag, const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  OURO_CHECK(!text.empty() && ec == std::errc() && end == text.data() + text.size() && std::isfinite(value),
             ConfigError, "{} {}: expected a finite number", flag, text.empty() ? "''" : text);
  return value;
}

}  // namespace ouro::cli
