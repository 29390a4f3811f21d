// Binary checkpoint files of replicates in progress: see checkpoint.hpp.
#include "ouro/loop/checkpoint.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro {
namespace {

// Bumped whenever the layout changes: an old file is then refused rather than misread.
constexpr std::string_view kMagic = "OUROCKP2";
constexpr std::string_view kTrailer = "END.";

class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put_bytes(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  void put_text(std::string_view text) { out_.append(text); }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string bytes, const std::filesystem::path& path) : bytes_(std::move(bytes)), path_(path) {}

  template <typename T>
  T get() {
    T value;
    get_bytes(&value, sizeof value);
    return value;
  }
  void get_bytes(void* out, std::size_t size) {
    OURO_CHECK(size <= bytes_.size() - at_, DataError, "{}: checkpoint file is truncated (byte {} of {})",
               path_.string(), at_, bytes_.size());
    std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  void expect_text(std::string_view text, std::string_view what) {
    OURO_CHECK(text.size() <= bytes_.size() - at_ && std::string_view(bytes_).substr(at_, text.size()) == text,
               DataError, "{}: not an ouro checkpoint of this version ({} missing); remove the run's .partial "
               "folder or rerun with --force", path_.string(), what);
    at_ += text.size();
  }
  // A count read from the file, checked against what the rest of the file can hold, so a corrupt
  // count fails with a message instead of a huge allocation.
  std::size_t count(std::size_t element_size) {
    const auto n = get<std::uint64_t>();
    OURO_CHECK(element_size == 0 || n <= (bytes_.size() - at_) / element_size, DataError,
               "{}: checkpoint file is corrupt (a count of {} at byte {})", path_.string(), n, at_);
    return static_cast<std::size_t>(n);
  }
  bool at_end() const { return at_ == bytes_.size(); }

 private:
  std::string bytes_;
  std::size_t at_ = 0;
  const std::filesystem::path& path_;
};

void put_dataset(Writer& w, const Dataset& d) {
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.size()));
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.dim()));
  w.put_bytes(d.x().data(), static_cast<std::size_t>(d.x().size()) * sizeof(double));
  for (const Provenance& p : d.provenance()) {
    w.put<std::int32_t>(p.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(p.origin));
    w.put<std::uint8_t>(p.watermarked ? 1 : 0);
  }
}

Dataset get_dataset(Reader& r) {
  const std::size_t rows = r.count(0);
  const std::size_t cols = r.count(0);
  OURO_CHECK(cols == 0 || rows <= (std::size_t{1} << 40) / cols, DataError, "checkpoint: a data set of {} x {}", rows, cols);
  Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  r.get_bytes(x.data(), rows * cols * sizeof(double));
  std::vector<Provenance> provenance(rows);
  for (Provenance& p : provenance) {
    p.generation = r.get<std::int32_t>();
    p.origin = static_cast<Origin>(r.get<std::uint8_t>());
    p.watermarked = r.get<std::uint8_t>() != 0;
  }
  return Dataset(std::move(x), std::move(provenance));
}

}  // namespace

CheckpointStore::CheckpointStore(std::filesystem::path dir, std::size_t metrics, std::size_t generations)
    : dir_(std::move(dir)), metrics_(metrics), generations_(generations) {}

std::filesystem::path CheckpointStore::path(std::size_t replicate) const {
  return dir_ / ("replicate-" + std::to_string(replicate) + ".ckpt");
}

void CheckpointStore::save(const ReplicateCheckpoint& c) const {
  Writer w;
  w.put_text(kMagic);
  w.put<std::uint64_t>(metrics_);
  w.put<std::uint64_t>(generations_);
  w.put<std::uint64_t>(c.replicate);
  w.put<std::uint64_t>(c.next_generation);
  w.put<std::uint64_t>(c.values.size());
  w.put_bytes(c.values.data(), c.values.size() * sizeof(double));
  w.put<std::uint64_t>(c.composition.size());
  for (const CompositionCount& count : c.composition) {
    w.put<std::int32_t>(count.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(count.origin));
    w.put<std::int32_t>(count.origin_generation);
    w.put<std::uint64_t>(count.count);
  }
  w.put<std::uint64_t>(c.side_rows.size());
  for (const std::string& rows : c.side_rows) {
    w.put<std::uint64_t>(rows.size());
    w.put_text(rows);
  }
  w.put<std::uint64_t>(c.state.history.size());
  w.put<std::uint64_t>(c.state.released);
  for (const auto& entry : c.state.history) {
    w.put<std::uint8_t>(entry ? 1 : 0);
    if (entry) put_dataset(w, *entry);
  }
  w.put_text(kTrailer);
  AtomicFile file(path(c.replicate));
  file.stream().write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
  file.commit();
}

std::optional<ReplicateCheckpoint> CheckpointStore::load(std::size_t replicate) const {
  const std::filesystem::path file = path(replicate);
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  Reader r(text.str(), file);
  r.expect_text(kMagic, "its header");
  const auto metrics = r.get<std::uint64_t>();
  const auto generations = r.get<std::uint64_t>();
  OURO_CHECK(metrics == metrics_ && generations == generations_, DataError,
             "{}: checkpoint of a run with {} metrics and {} generations; this run has {} and {}", file.string(),
             metrics, generations, metrics_, generations_);
  ReplicateCheckpoint c;
  c.replicate = r.get<std::uint64_t>();
  c.next_generation = r.get<std::uint64_t>();
  OURO_CHECK(c.replicate == replicate && c.next_generation >= 1 && c.next_generation <= generations_ + 1, DataError,
             "{}: checkpoint file is corrupt (replicate {}, next generation {})", file.string(), c.replicate,
             c.next_generation);
  c.values.resize(r.count(sizeof(double)));
  OURO_CHECK(c.values.size() == c.next_generation * metrics_, DataError,
             "{}: checkpoint file is corrupt ({} values for {} generations)", file.string(), c.values.size(),
             c.next_generation);
  r.get_bytes(c.values.data(), c.values.size() * sizeof(double));
  c.composition.resize(r.count(4 + 1 + 4 + 8));
  for (CompositionCount& count : c.composition) {
    count.generation = r.get<std::int32_t>();
    count.origin = static_cast<Origin>(r.get<std::uint8_t>());
    count.origin_generation = r.get<std::int32_t>();
    count.count = static_cast<std::size_t>(r.get<std::uint64_t>());
  }
  c.side_rows.resize(r.count(8));
  for (std::string& rows : c.side_rows) {
    rows.resize(r.count(1));
    r.get_bytes(rows.data(), rows.size());
  }
  c.state.history.resize(r.count(1));
  c.state.released = static_cast<std::size_t>(r.get<std::uint64_t>());
  for (auto& entry : c.state.history) {
    if (r.get<std::uint8_t>() != 0) entry = std::make_shared<const Dataset>(get_dataset(r));
  }
  r.expect_text(kTrailer, "its trailer");
  OURO_CHECK(r.at_end(), DataError, "{}: checkpoint file has trailing bytes", file.string());
  OURO_CHECK(c.finished(generations_) || !c.state.history.empty(), DataError,
             "{}: checkpoint of an unfinished replicate holds no loop state", file.string());
  return c;
}

}  // namespace ouro
