// SHA-256 (FIPS 180-4) of files and strings, so that data readers (corpora, idx image files) can
// verify the published checksums of the named public data sets without a crypto library dependency.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ouro {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex digest of a file's bytes; IoError if it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// Throws DataError naming `path` and both digests when the sha256 of the file is not `expected`.
void verify_sha256(const std::filesystem::path& path, std::string_view expected);

}  // namespace ouro
