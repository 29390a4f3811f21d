// Fuzz target: the finished-replicate log as `ouro run --resume` reads it (FinishedLog::read and
// FinishedLog::replicates, src/loop/finished_log.cpp, with the codec's results decoder), including
// the torn-last-record rule and damage before the last record.
//
// Every record ends in an XXH3 check word, so random bytes stop at the check. The first byte's low
// bit chooses the mode:
//   raw     the rest of the input is the whole file;
//   sealed  the rest is the log's metric count and generations (two 64-bit words) followed by
//           record payloads separated by "|REC|"; the target writes the header and frames each
//           payload with its length, the correct check word and the trailer (seal() below), so the
//           results decoder is exercised. A payload ending in "|CUT" is framed and then torn (its
//           last bytes dropped), as a killed append leaves it.
// The log's shape is taken from the file's own header words, so the shape check passes. Every
// refusal must be an ouro::Error naming the file.
//
// The layout knowledge lives in seal() and kMagic alone (finished_log.cpp's format 4, OUROFIN4:
// header = magic, metrics, generations, XXH3 of those; record = [u64 length][u64 XXH3 of the length
// word][payload][u64 XXH3(payload)]["END."]), so a format change means changing them; the sealed
// seeds hold only the shape and payloads, so they survive framing changes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint_codec.hpp"
#include "fuzz_support.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/loop/finished_log.hpp"

namespace {

constexpr std::string_view kMagic = "OUROFIN4";

std::string seal(std::string_view input) {
  namespace codec = ouro::checkpoint_codec;
  codec::Writer w;
  w.put_text(kMagic);
  w.put_text(input.substr(0, 16));  // metrics, generations (short when the input is)
  w.put<std::uint64_t>(ouro::check_word(w.bytes()));
  std::string_view rest = input.size() > 16 ? input.substr(16) : std::string_view();
  constexpr std::string_view kSeparator = "|REC|";
  constexpr std::string_view kCut = "|CUT";
  while (!rest.empty()) {
    const std::size_t next = rest.find(kSeparator);
    std::string_view payload = rest.substr(0, next);
    rest.remove_prefix(next == std::string_view::npos ? rest.size() : next + kSeparator.size());
    const bool torn = payload.ends_with(kCut);
    if (torn) payload.remove_suffix(kCut.size());
    const std::size_t start = w.bytes().size();
    w.put<std::uint64_t>(payload.size());
    w.put<std::uint64_t>(ouro::check_word(std::string_view(w.bytes()).substr(start, sizeof(std::uint64_t))));
    w.put_text(payload);
    w.put<std::uint64_t>(ouro::check_word(payload));
    w.put_text(codec::kTrailer);
    if (torn) w.bytes().resize(start + (w.bytes().size() - start) / 2);
  }
  return w.bytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path path = ouro::fuzz::scratch_dir() / "finished.log";
  const std::string_view input = ouro::fuzz::as_text(data + 1, size - 1);
  const std::string file = (data[0] & 1) ? seal(input) : std::string(input);
  ouro::fuzz::write_file(path, file);
  const ouro::FinishedLog log(path, ouro::fuzz::u64_at(file, kMagic.size()),
                              ouro::fuzz::u64_at(file, kMagic.size() + 8));
  ouro::fuzz::expect_clean_refusal(path.string(), [&] {
    const auto numbers = log.replicates();
    const auto results = log.read();
    if (numbers.size() != results.size()) {
      ouro::fuzz::finding("replicates() and read() disagree on the records", path.string());
    }
  });
  return 0;
}
