// Checkpoints: a replicate stopped after any generation and continued from its checkpoint (written
// to disk and read back) gives exactly the values, composition and side rows of one that was never
// stopped, for every loop policy, several families and the generation-0 reference; bad checkpoint
// files are refused with the file named.
#include <filesystem>
#include <algorithm>
#include <cstring>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checkpoint_codec.hpp"
#include "ouro/core/error.hpp"
#include "ouro/loop/checkpoint.hpp"
#include "ouro/loop/experiment.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_checkpoint_" + name); }

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_composition(const std::vector<CompositionCount>& a, const std::vector<CompositionCount>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const CompositionCount& x, const CompositionCount& y) {
    return x.generation == y.generation && x.origin == y.origin && x.origin_generation == y.origin_generation &&
           x.count == y.count;
  });
}

// Stops replicate 1 after `stop` (checkpointing there), continues it from the file, and compares.
void expect_resume_exact(const std::string& toml, std::size_t stop, const std::string& name) {
  const Config config = Config::from_string(toml);
  const Experiment experiment(config);
  const ReplicateResult whole = experiment.run_replicate(1);

  const fs::path dir = scratch(name);
  const CheckpointStore store(dir, experiment.metric_names().size(), experiment.generations());
  ReplicateHooks stop_hooks;
  stop_hooks.checkpoint_due = [&](std::size_t g, double) { return g == stop; };
  stop_hooks.save = [&](const ReplicateCheckpoint& c) { store.save(c); };
  const ReplicateResult through = experiment.run_replicate(1, nullptr, &stop_hooks);
  ASSERT_TRUE(same_bits(through.values, whole.values)) << "checkpointing changed the results";

  const std::optional<ReplicateCheckpoint> checkpoint = store.load(1);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->next_generation, stop + 1);
  ReplicateHooks resume_hooks;
  resume_hooks.resume_from = &*checkpoint;
  const ReplicateResult resumed = experiment.run_replicate(1, nullptr, &resume_hooks);
  EXPECT_TRUE(same_bits(resumed.values, whole.values)) << name << " resumed after generation " << stop;
  EXPECT_TRUE(same_composition(resumed.composition, whole.composition)) << name;
  EXPECT_EQ(resumed.side_rows, whole.side_rows) << name;
  EXPECT_EQ(resumed.filter_counts, whole.filter_counts) << name;
}

const char* kBase = R"(
[run]
generations = 9
replicates = 2
seed = 11
[truth]
kind = "gaussian"
mean = [0.0, 1.0]
cov = [[1.0, 0.3], [0.3, 2.0]]
[metrics]
test_samples = 60
)";

struct Case {
  std::string name;
  std::string extra;
};

class CheckpointResume : public ::testing::TestWithParam<Case> {};

TEST_P(CheckpointResume, ContinuesExactlyAfterAnyGeneration) {
  for (const std::size_t stop : {0u, 3u, 8u}) {
    expect_resume_exact(std::string(kBase) + GetParam().extra, stop, GetParam().name + std::to_string(stop));
  }
}

TEST(CheckpointResume, DedupPoolTravelsInTheCheckpoint) {
  // A smoothed categorical model keeps drawing outcomes its training pool never held, so dedup
  // rejects some candidates every generation, and which ones its pool decides.
  const std::string toml = R"(
[run]
generations = 9
replicates = 2
seed = 11
[truth]
kind = "categorical"
zipf = { outcomes = 400 }
[model]
family = "categorical"
smoothing = 0.5
[loop]
initial = 30
synthetic = 30
[metrics]
test_samples = 60
[[filter]]
kind = "dedup"
)";
  const Experiment experiment(Config::from_string(toml));
  const ReplicateResult whole = experiment.run_replicate(1);
  std::uint64_t rejected = 0;
  for (const FilterCounts& c : whole.filter_counts) rejected += c.rejected;
  EXPECT_GT(rejected, 0u) << "dedup never rejected anything: the test would not see a lost pool";
  for (const std::size_t stop : {0u, 4u, 8u}) expect_resume_exact(toml, stop, "dedup" + std::to_string(stop));
}

TEST(CheckpointStore, EveryKindOfSamplesTravelsAtItsNaturalWidth) {
  // A loop state holding token sequences (no padding) and images (8-bit levels) reads back
  // exactly, with every sample's provenance; its file holds 4-byte ids and 1-byte pixels, not
  // 8-byte doubles.
  const fs::path dir = scratch("kinds");
  const CheckpointStore store(dir, 1, 5);
  ReplicateCheckpoint c;
  c.replicate = 0;
  c.next_generation = 2;
  c.results.values.assign(2, 0.25);
  c.results.side_files = {{"samples/gen-000-rep-0.png", std::string("\x89PNG\r\n\x1a\n\0", 9)},
                          {"samples/gen-001-rep-0.png", "second"}};
  const Samples tokens(std::vector<std::int32_t>(3000, 7), std::vector<std::size_t>{0, 1000, 1000, 3000});
  const Samples images(ImageShape{1, 28, 28, 0.0f, 1.0f}, std::vector<std::uint8_t>(10 * 784, 191));
  c.state.history = {std::make_shared<const Dataset>(tokens, Provenance{0, Origin::kOriginal}),
                     std::make_shared<const Dataset>(images, Provenance{1, Origin::kSynthetic})};
  store.save(c);
  EXPECT_LT(fs::file_size(store.path(0)), 3000 * 4 + 10 * 784 + 1000);
  const auto back = store.load(0);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->state.history.size(), 2u);
  const Dataset& t = *back->state.history[0];
  ASSERT_EQ(t.samples().storage(), SampleStorage::kTokens);
  ASSERT_EQ(t.size(), 3);
  for (Eigen::Index i = 0; i < 3; ++i) EXPECT_EQ(t.samples().bytes(i), tokens.bytes(i));
  EXPECT_EQ(t.provenance(), c.state.history[0]->provenance());
  const Dataset& im = *back->state.history[1];
  ASSERT_EQ(im.samples().storage(), SampleStorage::kImage);
  EXPECT_EQ(im.samples().image_shape(), images.image_shape());
  EXPECT_EQ(im.samples().bytes(9), images.bytes(9));
  EXPECT_EQ(im.provenance()[9].generation, 1);
  EXPECT_FALSE(im.samples().has_labels());
  EXPECT_EQ(back->results.side_files, c.results.side_files) << "sample grids travel with the results";
}

TEST(CheckpointStore, LabelledImagesKeepTheirLabels) {
  // A class-conditional loop's training set is (image, label) pairs: a resumed replicate must see
  // the same labels, and an unlabelled set beside it must stay unlabelled.
  const fs::path dir = scratch("labels");
  const CheckpointStore store(dir, 1, 5);
  ReplicateCheckpoint c;
  c.replicate = 0;
  c.next_generation = 2;
  c.results.values.assign(2, 0.25);
  std::vector<std::uint8_t> levels(5 * 4);
  for (std::size_t k = 0; k < levels.size(); ++k) levels[k] = static_cast<std::uint8_t>(k * 13);
  const Samples labelled(ImageShape{1, 2, 2, 0.0f, 1.0f}, levels, {3, 0, 9, 9, 2147483647});
  const Samples plain(ImageShape{1, 2, 2, 0.0f, 1.0f}, levels);
  c.state.history = {std::make_shared<const Dataset>(labelled, Provenance{0, Origin::kOriginal}),
                     std::make_shared<const Dataset>(plain, Provenance{1, Origin::kSynthetic})};
  store.save(c);
  const auto back = store.load(0);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->state.history.size(), 2u);
  const Samples& l = back->state.history[0]->samples();
  ASSERT_TRUE(l.has_labels());
  EXPECT_EQ(std::vector<std::int32_t>(l.labels().begin(), l.labels().end()),
            (std::vector<std::int32_t>{3, 0, 9, 9, 2147483647}));
  for (Eigen::Index i = 0; i < 5; ++i) EXPECT_EQ(l.bytes(i), labelled.bytes(i)) << i;
  EXPECT_FALSE(back->state.history[1]->samples().has_labels());
  EXPECT_EQ(back->state.history[1]->samples().bytes(4), plain.bytes(4));
}

INSTANTIATE_TEST_SUITE_P(
    Policies, CheckpointResume,
    ::testing::Values(
        Case{"replace", "[loop]\ninitial = 20\nsynthetic = 20\n"},
        Case{"accumulate", "[loop]\ninitial = 20\nsynthetic = 15\nkeep = \"accumulate\"\n"},
        Case{"subsample", "[loop]\ninitial = 20\nsynthetic = 15\nkeep = \"accumulate-subsample\"\ntrain_size = 25\n"},
        Case{"window", "[loop]\ninitial = 20\nsynthetic = 15\nkeep = \"window\"\nwindow = 3\n"},
        Case{"fixed", "[loop]\ninitial = 20\nsynthetic = 15\nreal = \"fixed\"\nreal_samples = 5\n"},
        Case{"resample", "[loop]\ninitial = 20\nsynthetic = 15\nreal = \"resample\"\nreal_samples = 5\n"},
        Case{"accumulate_fresh", "[loop]\ninitial = 20\nsynthetic = 15\nkeep = \"accumulate\"\nreal = \"fresh\"\nreal_samples = 5\n"},
        Case{"fresh_biased", "[loop]\ninitial = 20\nsynthetic = 15\nreal = \"fresh\"\nreal_samples = 5\nbias = 0.7\n"},
        Case{"gmm", "[model]\nfamily = \"gmm\"\ncomponents = 2\n[loop]\ninitial = 40\nsynthetic = 40\n"},
        Case{"kde", "[model]\nfamily = \"kde\"\n[loop]\ninitial = 20\nsynthetic = 20\n"},
        // Warm starts: the previous model travels in the checkpoint; generation 0's is refitted.
        Case{"gmm_previous", "[model]\nfamily = \"gmm\"\ninit = \"previous\"\n[loop]\ninitial = 40\nsynthetic = 40\n"},
        Case{"gmm_initial", "[model]\nfamily = \"gmm\"\ninit = \"initial\"\n[loop]\ninitial = 40\nsynthetic = 40\n"},
        // Filters: their streams are keyed by generation and round, dedup's pool travels in the
        // checkpoint.
        Case{"curate", "[loop]\ninitial = 20\nsynthetic = 20\n[[filter]]\nkind = \"curate\"\ncandidates = 3\n"
                       "reward = { linear = [1.0, -1.0] }\n"},
        Case{"filters", "[loop]\ninitial = 20\nsynthetic = 20\nkeep = \"accumulate\"\n[[filter]]\nkind = "
                        "\"threshold\"\nreward = { center = [0.0, 1.0], scale = 2.0 }\nmin_reward = -1.5\n"
                        "[[filter]]\nkind = \"dedup\"\n"}),
    [](const auto& info) { return info.param.name; });

TEST(CheckpointStore, MissingIsNothingAndForeignFilesAreRefusedByName) {
  const fs::path dir = scratch("bad");
  const CheckpointStore store(dir, 3, 5);
  EXPECT_FALSE(store.load(0));
  std::ofstream(store.path(0)) << "not a checkpoint";
  try {
    store.load(0);
    FAIL() << "a foreign file was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("replicate-0.ckpt"));
  }
  ReplicateCheckpoint c;
  c.replicate = 1;
  c.next_generation = 6;
  c.results.values.assign(18, 0.5);
  store.save(c);
  const CheckpointStore other_shape(dir, 4, 5);
  EXPECT_THROW(other_shape.load(1), DataError);
  // Another format version is refused by name.
  std::string bytes = ouro::testing::read_file(store.path(1));
  bytes[7] = '3';
  std::ofstream(store.path(2), std::ios::binary) << bytes;
  try {
    store.load(2);
    FAIL() << "a checkpoint of another version was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("replicate-2.ckpt: checkpoint of format 3; this ouro reads format 6"));
  }
  // Format 4 (images without their labels) is refused the same way, never misread.
  bytes[7] = '4';
  std::ofstream(store.path(2), std::ios::binary) << bytes;
  try {
    store.load(2);
    FAIL() << "a checkpoint of format 4 was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("replicate-2.ckpt: checkpoint of format 4; this ouro reads format 6"));
  }
  // Format 5 (results without their sample grids) too.
  bytes[7] = '5';
  std::ofstream(store.path(2), std::ios::binary) << bytes;
  try {
    store.load(2);
    FAIL() << "a checkpoint of format 5 was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("replicate-2.ckpt: checkpoint of format 5; this ouro reads format 6"));
  }
  const auto back = store.load(1);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->finished(5));
  EXPECT_TRUE(same_bits(back->results.values, c.results.values));
}

}  // namespace
}  // namespace ouro

namespace ouro {
namespace {

// Every single-byte corruption of a part-way checkpoint (three bit patterns at every position) and
// every truncation is refused with an error naming the file: none is read into a result.
TEST(CheckpointStore, EveryCorruptionOfAFileIsRefusedNamingIt) {
  const Experiment experiment(Config::from_string(std::string(kBase) + "[loop]\ninitial = 6\nsynthetic = 6\n"));
  const fs::path dir = scratch("corrupt");
  const CheckpointStore store(dir, experiment.metric_names().size(), experiment.generations());
  ReplicateHooks hooks;
  hooks.checkpoint_due = [](std::size_t g, double) { return g == 2; };
  hooks.save = [&](const ReplicateCheckpoint& c) { store.save(c); };
  (void)experiment.run_replicate(0, nullptr, &hooks);
  const std::string good = ouro::testing::read_file(store.path(0));
  ASSERT_GT(good.size(), 200u);
  ASSERT_TRUE(store.load(0));
  std::size_t tried = 0, refused = 0;
  const auto expect_refused = [&](const std::string& bytes, const std::string& what) {
    std::ofstream(store.path(0), std::ios::binary | std::ios::trunc) << bytes;
    ++tried;
    try {
      store.load(0);
      ADD_FAILURE() << what << " was read";
    } catch (const DataError& e) {
      if (std::string(e.what()).find("replicate-0.ckpt") != std::string::npos) ++refused;
      else ADD_FAILURE() << what << ": the error does not name the file: " << e.what();
    }
  };
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string bad = good;
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ flip);
      expect_refused(bad, "a flip at byte " + std::to_string(at));
    }
  }
  for (std::size_t size = 0; size < good.size(); size += 7) expect_refused(good.substr(0, size), "a cut file");
  EXPECT_EQ(refused, tried);
  EXPECT_GT(tried, 3 * good.size());
  RecordProperty("file_bytes", static_cast<int>(good.size()));
  RecordProperty("corruptions_refused", static_cast<int>(refused));
}

// Found by fuzz_checkpoint (fuzz/corpus/fuzz_checkpoint/sealed_empty_provenance_run): behind a
// correct check word, a data set that its own constructor refuses (here a provenance run of no
// samples) was reported as "dataset: ..." without naming the checkpoint file.
TEST(CheckpointStore, AnInconsistentDataSetBehindAGoodCheckWordNamesTheFile) {
  const fs::path dir = scratch("inconsistent");
  const CheckpointStore store(dir, 1, 2);
  checkpoint_codec::Writer w;
  w.put_text("OUROCKP6");
  for (const std::uint64_t word : {1u, 2u, 0u, 1u}) w.put<std::uint64_t>(word);  // metrics, generations, replicate, next
  ReplicateResult results;
  results.values = {0.5};
  checkpoint_codec::put_results(w, results);
  w.put<std::uint64_t>(1);  // one data set in the loop state
  w.put<std::uint64_t>(0);  // released
  w.put<std::uint8_t>(1);
  w.put<std::uint8_t>(0);  // real rows: 1 x 1
  w.put<std::uint64_t>(1);
  w.put<std::uint64_t>(1);
  w.put<double>(0.25);
  w.put<std::uint64_t>(1);  // one provenance run ...
  w.put<std::int32_t>(0);
  w.put<std::uint8_t>(0);
  w.put<std::uint8_t>(0);
  w.put<std::uint32_t>(0);
  w.put<std::uint32_t>(0);
  w.put<std::uint32_t>(0);  // ... of no samples
  w.put<std::uint64_t>(0);  // no filter states
  checkpoint_codec::put_string(w, "");
  w.put<std::uint64_t>(check_word(w.bytes()));
  w.put_text(checkpoint_codec::kTrailer);
  std::ofstream(store.path(0), std::ios::binary) << w.bytes();
  try {
    store.load(0);
    FAIL() << "an inconsistent data set was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("replicate-0.ckpt: checkpoint file is corrupt: dataset: a provenance "
                                               "run of no samples"));
  }
}

}  // namespace
}  // namespace ouro
