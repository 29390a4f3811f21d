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
#include "checkpoint_codec.hpp"

namespace ouro {
namespace {

using checkpoint_codec::kTrailer;
using checkpoint_codec::Reader;
using checkpoint_codec::Writer;

// Bumped whenever the layout changes: an old file is then refused rather than misread. Version 3:
// finished replicates moved to the run's FinishedLog. Version 4: samples by kind, sample ids in the
// provenance, filter counts and states, the warm-start model, and a check word over the whole file.
// Version 5: images carry their class labels (a count, 0 when unlabelled, then the labels).
constexpr std::string_view kMagic = "OUROCKP6";

// What to do about a checkpoint that cannot be read: without it, its replicate reruns from the start.
constexpr std::string_view kRemedy =
    "remove that file (its replicate then reruns from the start on --resume) or start over with --force";

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
  checkpoint_codec::put_results(w, c.results);
  w.put<std::uint64_t>(c.state.history.size());
  w.put<std::uint64_t>(c.state.released);
  for (const auto& entry : c.state.history) {
    w.put<std::uint8_t>(entry ? 1 : 0);
    if (entry) checkpoint_codec::put_dataset(w, *entry);
  }
  w.put<std::uint64_t>(c.filter_states.size());
  for (const std::string& state : c.filter_states) checkpoint_codec::put_string(w, state);
  checkpoint_codec::put_string(w, c.previous_model);
  w.put<std::uint64_t>(check_word(w.bytes()));
  w.put_text(kTrailer);
  AtomicFile file(path(c.replicate), sync_pacer_.due() ? Durability::kSynced : Durability::kUnsynced);
  file.stream().write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
  file.commit();
}

void CheckpointStore::remove(std::size_t replicate) const {
  std::error_code ec;
  std::filesystem::remove(path(replicate), ec);
  OURO_CHECK(!ec, IoError, "cannot remove '{}': {}", path(replicate).string(), ec.message());
}

std::optional<ReplicateCheckpoint> CheckpointStore::load(std::size_t replicate) const {
  const std::filesystem::path file = path(replicate);
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  const std::string whole = text.str();
  // The header first, so that a foreign or older file is named as such; then the check word over
  // everything before it, so that damage anywhere is refused before anything is decoded.
  checkpoint_codec::expect_magic(whole, kMagic, "checkpoint", file, kRemedy);
  constexpr std::size_t kCheck = sizeof(std::uint64_t);
  OURO_CHECK(whole.size() >= kMagic.size() + kCheck + kTrailer.size() &&
                 std::string_view(whole).substr(whole.size() - kTrailer.size()) == kTrailer,
             DataError, "{}: checkpoint file is cut short or damaged at its end ({} bytes, no trailer); {}",
             file.string(), whole.size(), kRemedy);
  const std::string_view bytes = std::string_view(whole).substr(0, whole.size() - kCheck - kTrailer.size());
  std::uint64_t stored = 0;
  std::memcpy(&stored, whole.data() + bytes.size(), kCheck);
  OURO_CHECK(stored == check_word(bytes), DataError,
             "{}: checkpoint file is damaged (its check word does not match its {} bytes); {}", file.string(),
             bytes.size(), kRemedy);
  Reader r(bytes, file);
  r.skip(kMagic.size());
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
  checkpoint_codec::get_results(r, c.results);
  c.results.replicate = c.replicate;
  OURO_CHECK(c.results.values.size() == c.next_generation * metrics_, DataError,
             "{}: checkpoint file is corrupt ({} values for {} generations)", file.string(), c.results.values.size(),
             c.next_generation);
  c.state.history.resize(r.count(1));
  c.state.released = static_cast<std::size_t>(r.get<std::uint64_t>());
  for (auto& entry : c.state.history) {
    if (r.get<std::uint8_t>() != 0) entry = std::make_shared<const Dataset>(checkpoint_codec::get_dataset(r));
  }
  c.filter_states.resize(r.count(8));
  for (std::string& state : c.filter_states) state = checkpoint_codec::get_string(r);
  c.previous_model = checkpoint_codec::get_string(r);
  OURO_CHECK(r.at_end(), DataError, "{}: checkpoint file has {} bytes left over after its contents", file.string(),
             r.left());
  OURO_CHECK(c.finished(generations_) || !c.state.history.empty(), DataError,
             "{}: checkpoint of an unfinished replicate holds no loop state", file.string());
  return c;
}

}  // namespace ouro
