// Fuzz target: the report's readers of a run folder's CSV files (load_run: metrics.csv, theory.csv,
// composition.csv with its filter columns, ppl_gen0_histogram.csv), all through the strict
// CsvReader (src/report/csv_reader.hpp).
//
// The first byte chooses which file the rest of the input replaces; the other files of the folder
// are small valid ones, so the reader gets past them to the fuzzed one, and its contents then meet
// the summaries load_run builds from them (metrics by generation, theory curves, composition
// layers). The reader takes gzipped files too (io/gzip.hpp's TextLines, for metrics.csv.gz), so an
// input that starts with the gzip magic is decompressed first (seeds metrics_gzipped*). Every
// refusal must be an ouro::Error naming the run folder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "ouro/report/run_data.hpp"

namespace {

struct RunFile {
  const char* name;
  std::string_view valid;
};

constexpr RunFile kFiles[] = {
    {"metrics.csv", "replicate,generation,metric,value\n0,0,mean,0.5\n0,1,mean,0.25\n1,0,mean,0.5\n"},
    {"theory.csv", "generation,metric,expected\n0,mean,0.5\n1,mean,nan\n"},
    {"composition.csv",
     "replicate,generation,origin,origin_generation,count\n0,0,original,0,10\n0,1,synthetic,0,10\n"},
    {"ppl_gen0_histogram.csv", "replicate,generation,bin_low,bin_high,count\n0,0,1,1.12,3\n0,1,inf,inf,1\n"},
};
constexpr std::size_t kFileCount = sizeof kFiles / sizeof kFiles[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path dir = [] {
    const std::filesystem::path run = ouro::fuzz::scratch_dir() / "run";
    std::filesystem::create_directories(run);
    ouro::fuzz::write_file(run / "run.json", R"({"config": {}, "metrics": ["mean"]})");
    return run;
  }();
  const std::size_t fuzzed = data[0] % kFileCount;
  const std::string_view input = ouro::fuzz::as_text(data + 1, size - 1);
  for (std::size_t f = 0; f < kFileCount; ++f) {
    ouro::fuzz::write_file(dir / kFiles[f].name, f == fuzzed ? input : kFiles[f].valid);
  }
  ouro::fuzz::expect_clean_refusal(dir.string(), [&] { (void)ouro::report::load_run(dir); });
  return 0;
}
