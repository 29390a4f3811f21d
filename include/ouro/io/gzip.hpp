// gzip for the result files long runs write (metrics.csv.gz, `run.gzip_metrics`): a writer that
// deflates text into any stream (an AtomicFile's, so the compressed file is still written under a
// temporary name and renamed), and a line reader that reads a gzip file or a plain one alike, so
// every reader of metrics.csv takes either.
//
// zlib (Debian zlib1g-dev) does the work. The gzip header it writes carries no time stamp and no
// file name, so the same text always compresses to the same bytes: a resumed run's metrics.csv.gz
// is byte-identical to an uninterrupted one's, as the plain file is.
#pragma once

#include <filesystem>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ouro {

class GzipWriter {
 public:
  explicit GzipWriter(std::ostream& out);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  void write(std::string_view text);
  // Flushes the compressed tail and the gzip trailer; nothing may be written after it.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a text file line by line (without the '\n'), gunzipping it when it is a gzip file.
class TextLines {
 public:
  // Throws IoError naming the file when it cannot be opened.
  explicit TextLines(const std::filesystem::path& path);
  ~TextLines();
  TextLines(const TextLines&) = delete;
  TextLines& operator=(const TextLines&) = delete;

  // False at the end of the file; throws DataError naming the file when a gzip stream is damaged
  // or cut short.
  bool next(std::string& line);

 private:
  std::filesystem::path path_;
  void* file_;          // gzFile
  std::string buffer_;  // read but not yet returned from buffer_[start_] on
  std::size_t start_ = 0;
  bool end_ = false;
};

// A whole binary file's bytes, gunzipped when it is a gzip file (idx image files come either way).
// IoError naming the file when it cannot be opened; DataError naming it when a gzip stream is
// damaged or cut short.
std::vector<std::uint8_t> read_gunzipped(const std::filesystem::path& path);

// The metrics file of a run folder: metrics.csv.gz when the run wrote it gzipped, else metrics.csv.
std::filesystem::path metrics_file_in(const std::filesystem::path& dir);

}  // namespace ouro
