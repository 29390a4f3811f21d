// Fuzz target: a replicate's part-way checkpoint as `ouro run --resume` reads it
// (CheckpointStore::load, src/loop/checkpoint.cpp, and the codec behind it,
// src/loop/checkpoint_codec.cpp: results, loop-state data sets of every sample kind, filter states,
// the warm-start model).
//
// A checkpoint ends in an XXH3 check word over its contents, so random bytes stop at the check.
// The first byte's low bit chooses the mode:
//   raw     the rest of the input is the whole file (the magic, the check and the trailer are
//           fuzzed too);
//   sealed  the rest is the file's contents after the magic; the target puts the magic in front and
//           the correct check word and trailer behind (seal() below), so the decoder is exercised.
// The store's shape (metrics, generations) and the replicate number are taken from the file's own
// header words, so that the shape check passes and the decoder runs. Every refusal must be an
// ouro::Error naming the file.
//
// The layout knowledge lives in seal() and kMagic alone (checkpoint.cpp's format, version 6), so a
// format change means changing them and regenerating the sealed seeds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint_codec.hpp"
#include "fuzz_support.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/loop/checkpoint.hpp"

namespace {

constexpr std::string_view kMagic = "OUROCKP6";

// The file checkpoint.cpp would write around `contents`: magic, contents, check word, trailer.
std::string seal(std::string_view contents) {
  ouro::checkpoint_codec::Writer w;
  w.put_text(kMagic);
  w.put_text(contents);
  w.put<std::uint64_t>(ouro::check_word(w.bytes()));
  w.put_text(ouro::checkpoint_codec::kTrailer);
  return w.bytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path dir = ouro::fuzz::scratch_dir();
  const std::string_view input = ouro::fuzz::as_text(data + 1, size - 1);
  const std::string file = (data[0] & 1) ? seal(input) : std::string(input);
  // The header after the magic: metrics, generations, replicate.
  const std::uint64_t metrics = ouro::fuzz::u64_at(file, kMagic.size());
  const std::uint64_t generations = ouro::fuzz::u64_at(file, kMagic.size() + 8);
  const std::size_t replicate = ouro::fuzz::u64_at(file, kMagic.size() + 16) % 1000;
  const ouro::CheckpointStore store(dir, metrics, generations);
  ouro::fuzz::write_file(store.path(replicate), file);
  ouro::fuzz::expect_clean_refusal(store.path(replicate).string(), [&] {
    const auto checkpoint = store.load(replicate);
    if (!checkpoint) ouro::fuzz::finding("a written checkpoint file was not found", store.path(replicate).string());
    // What resuming reads next: every sample of every data set kept in the loop state.
    for (const auto& entry : checkpoint->state.history) {
      if (!entry) continue;
      (void)entry->provenance();
      const ouro::Samples& samples = entry->samples();
      for (Eigen::Index i = 0; i < samples.size() && samples.storage() == ouro::SampleStorage::kTokens; ++i) {
        (void)samples.tokens(i);
      }
    }
  });
  std::filesystem::remove(store.path(replicate));
  return 0;
}
