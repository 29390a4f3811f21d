// JSON files a run writes and reads back (run.json, sweep.json, .partial/config.json): written
// whole through AtomicFile, and read with damage reported in the project's words (which file, at
// which byte it stops being JSON, and what to do), not the parser's.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace ouro {

// The file's JSON. IoError when it cannot be opened; DataError naming the file and the byte where
// it stops being JSON, suggesting `--force`.
nlohmann::json read_json_file(const std::filesystem::path& path);

// Writes `value` (indented, newline-terminated) so that the file is complete or absent.
void write_json_file(const std::filesystem::path& path, const nlohmann::json& value);

}  // namespace ouro
