// Fuzz target: the JSON state of run and sweep folders: read_json_file (run.json, sweep.json,
// .partial/config.json, all sealed with a "format" and a "check" word) and the sweep plan as
// `ouro merge` uses it (load_sweep_plan, then merge_sweeps checking shards against each other,
// cells and their folders).
//
// The first byte chooses the mode. Its low bit: raw (the input is the file) or sealed (the input
// is parsed as JSON and, when it is an object, written sealed as a sweep.json with the correct check
// word by sealed_json_text, so what lies behind the seal is fuzzed; other inputs are written raw).
// The rest of the byte, modulo 3: read the file; merge a sweep folder holding it; merge a valid
// one-cell shard with that folder (so the plans are compared). Merges write into a fresh folder
// under the scratch folder, removed after each input. Every refusal must be an ouro::Error naming
// the input's file or folder, or, for what only the shards together get wrong (a cell in no shard,
// in two, or shards of different sweeps), one of merge's own "merge: ..." messages, which name the
// cells or shards concerned.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/io/json_file.hpp"
#include "ouro/sweep/sweep.hpp"

namespace {

namespace fs = std::filesystem;

// A finished one-cell sweep as `ouro sweep --shard 0/2` writes it (cut down to what merge reads).
constexpr std::string_view kShardPlan = R"({"version": "0.1.0", "config_file": "a.toml",
 "base_config": {"loop": {"bias": 1.0}}, "grid": [{"key": "loop.bias", "values": [1.0, 0.5], "labels": ["1.0", "0.5"]}],
 "cells": [{"index": 0, "folder": "cells/0-loop.bias=1.0", "label": "loop.bias=1.0", "values": {"loop.bias": 1.0}},
           {"index": 1, "folder": "cells/1-loop.bias=0.5", "label": "loop.bias=0.5", "values": {"loop.bias": 0.5}}],
 "shard": {"index": 0, "count": 2}, "cells_here": [0]})";

// A shard folder: sweep.json and the finished runs of both cells (run.json and a metrics.csv).
void make_shard(const fs::path& dir, std::string_view plan) {
  for (const char* cell : {"cells/0-loop.bias=1.0", "cells/1-loop.bias=0.5"}) {
    fs::create_directories(dir / cell);
    ouro::fuzz::write_file(dir / cell / "metrics.csv", "replicate,generation,metric,value\n0,0,mean,0.5\n");
    const nlohmann::json files = {{"metrics.csv", ouro::stamp_of_file(dir / cell / "metrics.csv").to_json()}};
    ouro::write_json_file(dir / cell / "run.json", {{"files", files}}, ouro::kRunFileFormat);
  }
  ouro::write_json_file(dir / "sweep.json", nlohmann::json::parse(plan), ouro::kSweepFileFormat);
}

// The input as the file: raw, or sealed when it is a JSON object.
std::string file_text(std::string_view input, bool sealed) {
  if (!sealed) return std::string(input);
  const nlohmann::json value = nlohmann::json::parse(input, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::string(input);
  return ouro::sealed_json_text(value, ouro::kSweepFileFormat);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const fs::path root = ouro::fuzz::scratch_dir();
  static const fs::path valid = [] {
    make_shard(root / "valid", kShardPlan);
    return root / "valid";
  }();
  static const fs::path fuzzed = [] {
    make_shard(root / "fuzzed", kShardPlan);
    return root / "fuzzed";
  }();
  const fs::path out = root / "merged";
  const std::string_view input = ouro::fuzz::as_text(data + 1, size - 1);
  ouro::fuzz::write_file(fuzzed / "sweep.json", file_text(input, (data[0] & 1) != 0));
  switch ((data[0] >> 1) % 3) {
    case 0:
      ouro::fuzz::expect_clean_refusal((fuzzed / "sweep.json").string(), [&] {
        (void)ouro::read_json_file(fuzzed / "sweep.json", ouro::kSweepFileFormat);
      });
      break;
    case 1:
      ouro::fuzz::expect_clean_refusal({fuzzed.string(), "merge: "}, [&] { (void)ouro::merge_sweeps(out, {fuzzed}); });
      break;
    default:
      ouro::fuzz::expect_clean_refusal({fuzzed.string(), "merge: "},
                                       [&] { (void)ouro::merge_sweeps(out, {valid, fuzzed}); });
      break;
  }
  fs::remove_all(out);
  return 0;
}
