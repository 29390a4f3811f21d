// UTF-8 validation and code-point splitting for corpus readers and the character tokenizer.
//
// Corpora are read as bytes; every line is validated before tokenizing, so a file in another
// encoding fails at once with the file, line and byte offset named instead of producing garbage
// tokens downstream.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ouro::text {

// Byte offset of the first invalid sequence (overlong forms, surrogates and code points above
// U+10FFFF are invalid), or nullopt when `s` is valid UTF-8.
std::optional<std::size_t> utf8_error(std::string_view s);

// Throws DataError "<source>:<line>: invalid UTF-8 at byte <k>" when `s` is not valid UTF-8.
void check_utf8(std::string_view s, std::string_view source, std::size_t line);

// `s` with every byte that does not belong to a valid UTF-8 sequence replaced by U+FFFD, for text a
// model generated (a byte-level tokenizer's model may emit half a character).
std::string valid_utf8(std::string_view s);

// The code points of valid UTF-8 `s`, each as its own byte string.
std::vector<std::string> utf8_characters(std::string_view s);

}  // namespace ouro::text
