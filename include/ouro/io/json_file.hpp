// The JSON files of run and sweep folders (run.json, sweep.json, .partial/config.json and
// .partial/sweep.json): written whole through AtomicFile, sealed, and read back checked.
//
// A sealed file is a JSON object with two keys of its own: "format", the kind of file and the
// version of its layout (a file of another kind or version is refused by name), and "check", the
// XXH3 check word of the object's compact text without "check" (see check_word.hpp). A single
// changed byte either breaks the JSON or changes the content, and both are refused naming the file:
// a damaged file never reaches a result. (A change to the layout's whitespace alone passes, being
// no change to what is read.) Errors are in the project's words: which file, what is wrong (at
// which byte it stops being JSON) and what to do.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ouro {

// The formats this version writes and reads. Bump the number when a file's layout changes.
inline constexpr std::string_view kRunFileFormat = "ouro.run/1";            // run.json
inline constexpr std::string_view kRunConfigFormat = "ouro.run-config/1";   // .partial/config.json
inline constexpr std::string_view kSweepFileFormat = "ouro.sweep/1";        // sweep.json, .partial/sweep.json

// What to do about a damaged file in a folder that is being resumed.
inline constexpr std::string_view kStartOverRemedy = "start over with --force";

// The file's JSON, checked against its seal, with "format" and "check" removed. IoError when it
// cannot be opened; DataError naming the file when it is not JSON (and at which byte), not of
// `format`, or damaged; the message ends with `remedy`.
nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view format,
                              std::string_view remedy = kStartOverRemedy);

// Writes `value` (a JSON object, indented, newline-terminated) sealed as `format`, so that the file
// is complete or absent.
void write_json_file(const std::filesystem::path& path, const nlohmann::json& value, std::string_view format);

// The text of `value` sealed as `format`: what write_json_file writes.
std::string sealed_json_text(const nlohmann::json& value, std::string_view format);

}  // namespace ouro
