// Error hierarchy and check macros.
//
// Library code never exits: it throws one of these, and the CLI catches them once in main, prints
// the message and returns a non-zero status. ConfigError is for settings (a key, its value, where it
// came from), DataError for data that cannot be used (NaN, too few rows, a bad shape), IoError for
// files that cannot be read or written. OURO_CHECK is for conditions that user input can violate;
// plain assert() is kept for programming bugs.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace ouro {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigError : public Error {
 public:
  using Error::Error;
};

class DataError : public Error {
 public:
  using Error::Error;
};

class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace ouro

// Throws `ErrorType` with a fmt-formatted message when `condition` is false.
#define OURO_CHECK(condition, ErrorType, ...)                 \
  do {                                                        \
    if (!(condition)) throw ErrorType(fmt::format(__VA_ARGS__)); \
  } while (false)
