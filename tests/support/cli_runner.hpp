// Runs the `ouro` binary (OURO_CLI, set by tests/CMakeLists.txt) with arguments and returns its exit
// code and everything it printed, for the command-line end-to-end tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace ouro::testing {

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// `environment` (e.g. "NAME=value") is set for this run only.
inline Outcome run_cli(const std::string& arguments, const std::string& environment = "") {
  const std::string command =
      (environment.empty() ? "" : environment + " ") + std::string(OURO_CLI) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
#ifdef OURO_SANITIZED
  // Many CLI tests expect `ouro` to fail, so a sanitizer report (which ends the process with a
  // non-zero status) would pass unseen there; any report fails the test that ran the command.
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                             "WARNING: ThreadSanitizer", "ERROR: ThreadSanitizer"}) {
    if (output.find(marker) != std::string::npos) {
      ADD_FAILURE() << OURO_SANITIZED << " sanitizer report from `ouro " << arguments << "`:\n" << output;
      break;
    }
  }
#endif
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace ouro::testing
