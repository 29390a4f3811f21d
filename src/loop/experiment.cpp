// The replicated self-consuming loop: see experiment.hpp.
#include "ouro/loop/experiment.hpp"

#include <algorithm>
#include <map>

#include "ouro/core/error.hpp"
#include "ouro/core/fnv1a.hpp"
#include "ouro/core/parallel.hpp"

namespace ouro {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Counts of a training set's rows per (origin, origin generation), ordered for output.
void count_composition(const Dataset& training, std::int32_t generation, std::vector<CompositionCount>& out) {
  std::map<std::pair<int, std::int32_t>, std::size_t> counts;
  for (const Provenance& p : training.provenance()) ++counts[{static_cast<int>(p.origin), p.generation}];
  for (const auto& [key, count] : counts) {
    out.push_back({generation, static_cast<Origin>(key.first), key.second, count});
  }
}

// A stable per-metric stream block (FNV-1a of the name), so a metric's random draws do not change
// when other metrics are added to or removed from a run.
std::uint64_t metric_block(std::string_view name) { return fnv1a64(name); }

std::uint64_t side_outputs_block() {
  static const std::uint64_t block = metric_block("side outputs");
  return block;
}

}  // namespace

StageTimes& StageTimes::operator+=(const StageTimes& other) {
  setup += other.setup;
  compose += other.compose;
  fit += other.fit;
  sample += other.sample;
  metrics += other.metrics;
  return *this;
}

nlohmann::json StageTimes::to_json() const {
  return {{"setup", setup}, {"compose", compose}, {"fit", fit}, {"sample", sample}, {"metrics", metrics}};
}

Experiment::Experiment(Config config)
    : config_(std::move(config)),
      seed_(static_cast<std::uint64_t>(config_.integer("run.seed"))),
      generations_(static_cast<std::size_t>(config_.integer("run.generations"))),
      replicates_(static_cast<std::size_t>(config_.integer("run.replicates"))),
      test_samples_(static_cast<std::size_t>(config_.integer("metrics.test_samples"))),
      truth_(make_truth(config_, seed_)),
      family_(make_family(config_, *truth_)),
      policy_(LoopSettings::from(config_)) {
  validate_sizes();
  // A model fitted on data from the truth tells make_metrics which metrics apply to this family.
  Rng probe_data(seed_, {Purpose::kUser, 0, 0, 0});
  Rng probe_fit(seed_, {Purpose::kUser, 0, 0, 1});
  const Matrix probe_sample = truth_->sample(policy_.settings().initial, probe_data);
  const auto probe = family_->fit(probe_sample, probe_fit);
  metrics_ = make_metrics(config_, *probe, *truth_);
  truth_moments_ = truth_->moments();
  for (const auto& metric : metrics_) {
    metric_names_.emplace_back(metric->name());
    metric_blocks_.push_back(metric_block(metric->name()));
    keeps_generation0_ = keeps_generation0_ || metric->needs_generation0();
  }
  side_outputs_ = make_side_outputs(config_, *probe, *truth_, metric_names_);
  for (const auto& output : side_outputs_) keeps_generation0_ = keeps_generation0_ || output->needs_generation0();
  theory_ = theory_curves(config_, *truth_);
  // Theory is written only for metrics the run records.
  std::erase_if(theory_, [&](const TheoryCurve& c) {
    return std::find(metric_names_.begin(), metric_names_.end(), c.metric) == metric_names_.end();
  });
}

Experiment::~Experiment() = default;

std::vector<SideTable> Experiment::side_tables() const {
  std::vector<SideTable> tables;
  for (const auto& output : side_outputs_) tables.push_back({std::string(output->file_name()), std::string(output->header())});
  return tables;
}

void Experiment::validate_sizes() const {
  const std::size_t needed = family_->min_samples(truth_->dim());
  const LoopSettings& s = policy_.settings();
  const auto family = config_.text("model.family");
  if (s.initial < needed) {
    config_.fail("loop.initial", fmt::format("a {} model in {} columns needs at least {} training samples",
                                             family, truth_->dim(), needed));
  }
  if (generations_ == 0) return;
  // Training sets only grow or stay equal after generation 1 for every policy, except that a
  // window may hold D0 (initial rows) and then only synthetic sets; check the smallest ones.
  for (std::size_t g = 1; g <= std::min<std::size_t>(generations_, s.window + 1); ++g) {
    const std::size_t rows = policy_.training_size(g);
    if (rows < needed) {
      const char* key = s.keep == KeepPolicy::kAccumulateSubsample ? "loop.train_size" : "loop.synthetic";
      config_.fail(key, fmt::format("generation {} would train a {} model on {} samples; it needs at least {}",
                                    g, family, rows, needed));
    }
  }
}

ReplicateResult Experiment::run_replicate(std::size_t replicate, StageTimes* times, const ReplicateHooks* hooks) const {
  StageTimes local;
  auto start = Clock::now();
  const Streams streams(seed_, replicate);
  const std::size_t metrics = metrics_.size();
  const ReplicateCheckpoint* resume = hooks ? hooks->resume_from : nullptr;
  OURO_CHECK(!resume || (resume->replicate == replicate && !resume->finished(generations_)), Error,
             "internal: replicate {} resumed from the checkpoint of replicate {}", replicate,
             resume ? resume->replicate : 0);

  // On resume the test set is redrawn from its own stream: the same rows as before the stop.
  Rng test_rng = streams(Purpose::kTestData, 0);
  const TestSet test = TestSet::from(truth_->test_set(test_samples_, test_rng));
  LoopState state;
  std::unique_ptr<const GenerativeModel> generation0;  // kept only when keeps_generation0_
  if (resume) {
    state = resume->state;
    if (keeps_generation0_) {
      // Refitted exactly: D0 and the fit's stream are keyed by (replicate, generation 0).
      Rng initial_rng = streams(Purpose::kInitialData, 0);
      const Matrix initial = truth_->sample(policy_.settings().initial, initial_rng);
      Rng fit_rng = streams(Purpose::kFit, 0);
      generation0 = family_->fit(initial, fit_rng);
    }
  } else {
    Rng initial_rng = streams(Purpose::kInitialData, 0);
    state = policy_.start(Dataset(truth_->sample(policy_.settings().initial, initial_rng),
                                  Provenance{0, Origin::kOriginal}));
  }
  MetricScratch scratch;
  ReplicateResult result;
  result.replicate = replicate;
  result.values.resize((generations_ + 1) * metrics);
  result.side_rows.resize(side_outputs_.size());
  const std::size_t first_generation = resume ? resume->next_generation : 0;
  if (resume) {
    std::copy(resume->values.begin(), resume->values.end(), result.values.begin());
    result.composition = resume->composition;
    OURO_CHECK(resume->side_rows.size() == side_outputs_.size(), DataError,
               "checkpoint of replicate {} holds {} side tables; this run writes {}", replicate,
               resume->side_rows.size(), side_outputs_.size());
    result.side_rows = resume->side_rows;
  }
  local.setup += seconds_since(start);

  // One clock read per stage boundary: each stage's end is the next one's start.
  start = Clock::now();
  const auto lap = [&start](double& stage) {
    const auto now = Clock::now();
    stage += std::chrono::duration<double>(now - start).count();
    start = now;
  };
  for (std::size_t g = first_generation; g <= generations_; ++g) {
    const std::shared_ptr<const Dataset> training = g == 0 ? state.history.front() : policy_.compose(g, state, *truth_, streams);
    if (g == 0 || !policy_.composition_is_shared() || replicate == 0) {
      count_composition(*training, static_cast<std::int32_t>(g), result.composition);
    }
    lap(local.compose);

    Rng fit_rng = streams(Purpose::kFit, g);
    std::unique_ptr<const GenerativeModel> model = family_->fit(training->x(), fit_rng);
    lap(local.fit);

    Rng sample_rng = streams(Purpose::kSample, g);
    Matrix samples = model->sample(policy_.settings().synthetic, policy_.settings().bias, sample_rng);
    lap(local.sample);

    const std::optional<Moments> model_moments = model->moments();
    scratch.next_generation();
    // One context serves every metric and side output of the generation; each draws from its own
    // stream, set just before it runs. Side outputs draw nothing today; their stream keeps one that
    // ever does from disturbing the metrics' draws.
    Rng stream = streams(Purpose::kMetric, g, side_outputs_block());
    const MetricContext context{*truth_,  test,     samples, stream, model_moments ? &*model_moments : nullptr,
                                truth_moments_ ? &*truth_moments_ : nullptr, &scratch, generation0.get()};
    for (std::size_t m = 0; m < metrics; ++m) {
      stream = streams(Purpose::kMetric, g, metric_blocks_[m]);
      result.values[g * metrics + m] = metrics_[m]->compute(*model, context);
    }
    stream = streams(Purpose::kMetric, g, side_outputs_block());
    for (std::size_t t = 0; t < side_outputs_.size(); ++t) {
      side_outputs_[t]->append_rows(replicate, g, *model, context, result.side_rows[t]);
    }
    lap(local.metrics);
    if (g == 0 && keeps_generation0_) generation0 = std::move(model);

    if (g < generations_) {
      policy_.record(state, Dataset(std::move(samples), Provenance{static_cast<std::int32_t>(g), Origin::kSynthetic}));
      if (hooks && hooks->checkpoint_due && hooks->save && hooks->checkpoint_due(g, local.total())) {
        ReplicateCheckpoint checkpoint;
        checkpoint.replicate = replicate;
        checkpoint.next_generation = g + 1;
        checkpoint.values.assign(result.values.begin(),
                                 result.values.begin() + static_cast<std::ptrdiff_t>((g + 1) * metrics));
        checkpoint.composition = result.composition;
        checkpoint.side_rows = result.side_rows;
        checkpoint.state = state;
        hooks->save(checkpoint);
        start = Clock::now();  // the checkpoint's own time is no stage's
      }
    }
  }
  if (times) *times += local;
  return result;
}

StageTimes Experiment::run(const RunContext& context, Recorder& recorder,
                           const std::function<void()>& on_replicate_done) const {
  std::vector<StageTimes> per_replicate(replicates_);
  parallel_for(replicates_, context.threads, [&](std::size_t r) {
    recorder.add(run_replicate(r, &per_replicate[r]));
    if (on_replicate_done) on_replicate_done();
  });
  StageTimes total;
  for (const StageTimes& t : per_replicate) total += t;
  return total;
}

}  // namespace ouro
