// Hand-written run folders for the report's tests: seals a folder the way the recorder leaves it
// (run.json sealed, with the size and check word of every other file in "files"), so that a test can
// write CSV files by hand, or change one after the fact and reseal, and reach the reader behind
// the checks.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "ouro/io/check_word.hpp"
#include "ouro/io/json_file.hpp"

namespace ouro::testing {

// Writes dir/run.json: `info` with "files" stamping every regular file of dir but run.json and
// report.html, and those of its samples/ folder (an image run's grids) as "samples/<name>".
inline void seal_run_folder(const std::filesystem::path& dir, nlohmann::json info) {
  nlohmann::json& files = info["files"] = nlohmann::json::object();
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "run.json" || name == "report.html") continue;
    files[name] = stamp_of_file(entry.path()).to_json();
  }
  if (std::filesystem::is_directory(dir / "samples")) {
    for (const auto& entry : std::filesystem::directory_iterator(dir / "samples")) {
      if (entry.is_regular_file()) files["samples/" + entry.path().filename().string()] = stamp_of_file(entry.path()).to_json();
    }
  }
  write_json_file(dir / "run.json", info, kRunFileFormat);
}

// Stamps the folder's files as they are now, keeping the rest of its run.json.
inline void reseal_run_folder(const std::filesystem::path& dir) {
  seal_run_folder(dir, read_json_file(dir / "run.json", kRunFileFormat));
}

}  // namespace ouro::testing
