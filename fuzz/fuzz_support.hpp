// What every fuzz target shares: a scratch folder per process (the readers that only take a path
// read the input from a file in it), and the rule that decides what a finding is.
//
// A parser of outside input may refuse anything, but only in the project's words: an ouro::Error
// (ConfigError, DataError, IoError) whose message names the input (the file, folder or source name
// the target gave it), so a user can tell which file to fix. Everything else is a finding: another
// exception type (a std::out_of_range or nlohmann::json::type_error escaping a reader), an Error that
// does not say which input it is about, a crash, a sanitizer report, a hang or an out-of-memory.
// expect_clean_refusal() turns the first two into an abort with the message, so libFuzzer saves the
// input like any crash.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "ouro/core/error.hpp"

namespace ouro::fuzz {

// A folder of this process's own, created on first use and reused by every input (libFuzzer runs
// inputs one after another in one process; -fork/-jobs workers are separate processes).
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "ouro-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("ouro fuzz: mkdtemp");
      std::abort();
    }
    return std::filesystem::path(pattern);
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "ouro fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// The 64-bit word at byte `at` of a file (the layouts' counts and shapes), 0 past its end.
inline std::uint64_t u64_at(std::string_view file, std::size_t at) {
  std::uint64_t value = 0;
  if (file.size() >= at + sizeof value) std::memcpy(&value, file.data() + at, sizeof value);
  return value;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void finding(std::string_view what, std::string_view message) {
  std::fprintf(stderr, "\n==ouro fuzz finding== %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(message.size()), message.data());
  std::abort();
}

// Runs `parse`; an ouro::Error whose message contains one of `names` (a path, a source name,
// "--set") is an expected refusal, anything else thrown is a finding.
template <typename Parse>
void expect_clean_refusal(std::initializer_list<std::string_view> names, Parse&& parse) {
  try {
    parse();
  } catch (const ouro::Error& e) {
    const std::string_view message = e.what();
    for (const std::string_view name : names) {
      if (message.find(name) != std::string_view::npos) return;
    }
    finding(std::string("an ouro::Error that does not name the input '") + std::string(*names.begin()) + "'",
            message);
  } catch (const std::exception& e) {
    finding(std::string("an exception other than ouro::Error: ") + typeid(e).name(), e.what());
  } catch (...) {
    finding("something thrown that is not a std::exception", "");
  }
}

template <typename Parse>
void expect_clean_refusal(std::string_view name, Parse&& parse) {
  expect_clean_refusal({name}, std::forward<Parse>(parse));
}

}  // namespace ouro::fuzz
