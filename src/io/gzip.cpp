// gzip writing and line reading through zlib: see gzip.hpp.
#include "ouro/io/gzip.hpp"

#include <zlib.h>

#include <array>

#include "ouro/core/error.hpp"

namespace ouro {

struct GzipWriter::Impl {
  std::ostream& out;
  z_stream z{};
  bool finished = false;
  std::array<unsigned char, 1 << 16> chunk{};

  // Deflates `input` (flush = Z_FINISH at the end) and writes what comes out.
  void pump(std::string_view input, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z.avail_in = static_cast<uInt>(input.size());
    do {
      z.next_out = chunk.data();
      z.avail_out = static_cast<uInt>(chunk.size());
      const int status = deflate(&z, flush);
      OURO_CHECK(status != Z_STREAM_ERROR, Error, "internal: zlib deflate failed");
      out.write(reinterpret_cast<const char*>(chunk.data()),
                static_cast<std::streamsize>(chunk.size() - z.avail_out));
    } while (z.avail_out == 0);
  }
};

GzipWriter::GzipWriter(std::ostream& out) : impl_(std::make_unique<Impl>(Impl{out})) {
  // windowBits 15 + 16: a gzip wrapper (header without time or name) rather than a zlib one.
  OURO_CHECK(deflateInit2(&impl_->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, Error,
             "internal: zlib deflateInit2 failed");
}

GzipWriter::~GzipWriter() { deflateEnd(&impl_->z); }

void GzipWriter::write(std::string_view text) {
  OURO_CHECK(!impl_->finished, Error, "internal: gzip stream written after finish()");
  // zlib counts in uInt: feed very large texts in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  while (!text.empty()) {
    const std::string_view piece = text.substr(0, kPiece);
    impl_->pump(piece, Z_NO_FLUSH);
    text.remove_prefix(piece.size());
  }
}

void GzipWriter::finish() {
  if (impl_->finished) return;
  impl_->pump({}, Z_FINISH);
  impl_->finished = true;
}

TextLines::TextLines(const std::filesystem::path& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
  OURO_CHECK(file_ != nullptr, IoError, "cannot open '{}'", path.string());
  gzbuffer(static_cast<gzFile>(file_), 1 << 17);
}

TextLines::~TextLines() {
  if (file_) gzclose_r(static_cast<gzFile>(file_));
}

// Reads in blocks and splits at '\n' itself (rather than gzgets), so a line holding a NUL byte
// keeps it and reaches the caller's checks whole.
bool TextLines::next(std::string& line) {
  const auto file = static_cast<gzFile>(file_);
  while (true) {
    const std::size_t newline = buffer_.find('\n', start_);
    if (newline != std::string::npos) {
      line.assign(buffer_, start_, newline - start_);
      start_ = newline + 1;
      return true;
    }
    if (end_) {
      if (start_ >= buffer_.size()) return false;
      line.assign(buffer_, start_);
      start_ = buffer_.size();
      return true;
    }
    buffer_.erase(0, start_);
    start_ = 0;
    std::array<char, 1 << 16> block{};
    const int got = gzread(file, block.data(), static_cast<unsigned>(block.size()));
    int code = Z_OK;
    const char* message = gzerror(file, &code);
    // A gzip stream cut short is an error (Z_BUF_ERROR, "unexpected end of file"), not an end.
    OURO_CHECK(got >= 0 && code == Z_OK, DataError, "{}: damaged gzip stream: {}", path_.string(), message);
    buffer_.append(block.data(), static_cast<std::size_t>(got));
    end_ = got == 0;
  }
}

std::vector<std::uint8_t> read_gunzipped(const std::filesystem::path& path) {
  const gzFile file = gzopen(path.c_str(), "rb");
  OURO_CHECK(file != nullptr, IoError, "cannot open '{}'", path.string());
  gzbuffer(file, 1 << 17);
  std::vector<std::uint8_t> bytes;
  constexpr std::size_t kBlock = 1 << 20;
  while (true) {
    const std::size_t at = bytes.size();
    bytes.resize(at + kBlock);
    const int got = gzread(file, bytes.data() + at, static_cast<unsigned>(kBlock));
    int code = Z_OK;
    const std::string message = gzerror(file, &code);
    if (got < 0 || code != Z_OK) {
      gzclose_r(file);
      throw DataError(fmt::format("{}: damaged gzip stream: {}", path.string(), message));
    }
    bytes.resize(at + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  gzclose_r(file);
  bytes.shrink_to_fit();
  return bytes;
}

std::filesystem::path metrics_file_in(const std::filesystem::path& dir) {
  const std::filesystem::path gzipped = dir / "metrics.csv.gz";
  return std::filesystem::exists(gzipped) ? gzipped : dir / "metrics.csv";
}

}  // namespace ouro
