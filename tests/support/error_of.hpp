// error_of(f): the message of the ouro::Error that f throws, or "no error", so that bad-input tests
// can assert on what the message names.
#pragma once

#include <string>

#include "ouro/core/error.hpp"

namespace ouro::testing {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace ouro::testing
