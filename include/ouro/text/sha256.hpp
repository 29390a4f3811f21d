// SHA-256 (FIPS 180-4) of files and strings, so that corpus readers can verify the published
// checksums of the named public corpora without a crypto library dependency.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ouro::text {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex digest of a file's bytes; IoError if it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace ouro::text
