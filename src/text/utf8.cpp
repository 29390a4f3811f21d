// UTF-8 validation after RFC 3629 (the table of well-formed byte sequences in Unicode 3.9, D92).
#include "ouro/text/utf8.hpp"

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

// Length of the well-formed sequence starting at s[i], or 0 if it is ill-formed.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;   // no overlong forms
    if (b0 == 0xED) hi = 0x9F;   // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;   // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;   // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::optional<std::size_t> utf8_error(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

void check_utf8(std::string_view s, std::string_view source, std::size_t line) {
  if (const auto at = utf8_error(s))
    throw DataError(fmt::format("{}:{}: invalid UTF-8 at byte {} of the line (byte 0x{:02x}); the corpus must be UTF-8",
                                source, line, *at + 1, static_cast<unsigned char>(s[*at])));
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  while (const auto at = utf8_error(s)) {
    out.append(s.substr(0, *at));
    out.append("\xEF\xBF\xBD");  // U+FFFD
    s.remove_prefix(*at + 1);
  }
  return out.append(s);
}

std::vector<std::string> utf8_characters(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = sequence_length(s, i);
    if (n == 0) n = 1;  // callers validate first; never loop forever on bad input
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace ouro::text
