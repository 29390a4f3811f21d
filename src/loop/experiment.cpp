// The self-consuming loop of one replicate, stage by stage: see experiment.hpp.
#include "ouro/loop/experiment.hpp"

#include <algorithm>
#include <map>

#include "ouro/core/error.hpp"
#include "ouro/core/fnv1a.hpp"
#include "ouro/loop/sample_stage.hpp"

namespace ouro {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Counts of a training set's rows per (origin, origin generation), ordered for output.
void count_composition(const Dataset& training, std::int32_t generation, std::vector<CompositionCount>& out) {
  std::map<std::pair<int, std::int32_t>, std::size_t> counts;
  for (const ProvenanceRun& run : training.provenance_runs()) {
    counts[{static_cast<int>(run.first.origin), run.first.generation}] += run.rows;
  }
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
      capabilities_(family_->capabilities()),
      init_(model_init(config_, *family_)),
      policy_(LoopSettings::from(config_)) {
  validate_sizes();
  filters_ = make_filters(config_, capabilities_, family_->name(), *truth_);
  filter_labels_ = ouro::filter_labels(filters_);
  metrics_ = make_metrics(config_, *family_, *truth_);
  truth_moments_ = truth_->moments();
  keeps_generation0_ = init_ == ModelInit::kInitial || capabilities_.fits_from_generation0;
  for (const auto& metric : metrics_) {
    metric_names_.emplace_back(metric->name());
    metric_blocks_.push_back(metric_block(metric->name()));
    keeps_generation0_ = keeps_generation0_ || metric->needs_generation0();
  }
  side_outputs_ = make_side_outputs(config_, capabilities_, *truth_, metric_names_);
  for (const auto& output : side_outputs_) keeps_generation0_ = keeps_generation0_ || output->needs_generation0();
  side_file_outputs_ = make_side_file_outputs(config_, capabilities_);
  record_every_ = std::max<std::size_t>(static_cast<std::size_t>(config_.integer("run.record_every")), 1);
  // The closed forms describe unfiltered loops fitted from scratch; nothing is written otherwise.
  if (filters_.empty() && init_ == ModelInit::kScratch) theory_ = theory_curves(config_, *truth_);
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

bool Experiment::composition_is_shared() const {
  // Filter counts differ between replicates even where the training sets' make-up does not.
  return policy_.composition_is_shared() && filters_.empty();
}

std::unique_ptr<Recorder> Experiment::make_recorder(const std::filesystem::path& out_dir) const {
  return std::make_unique<Recorder>(out_dir, metric_names_, generations_, replicates_, composition_is_shared(),
                                    side_tables(), filter_labels_,
                                    static_cast<std::size_t>(config_.integer("run.record_every")),
                                    config_.boolean("run.gzip_metrics"));
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

// Everything one replicate carries from generation to generation.
struct Experiment::ReplicateState {
  ReplicateState(std::uint64_t seed, std::size_t replicate) : streams(seed, replicate) {}

  Streams streams;
  TestSet test;
  LoopState loop;
  std::vector<std::unique_ptr<FilterState>> filter_states;  // one per filter (nullptr: stateless)
  std::shared_ptr<const GenerativeModel> generation0;       // kept when keeps_generation0_
  std::shared_ptr<const GenerativeModel> previous;          // model.init = "previous"
  MetricScratch scratch;
  ReplicateResult result;
};

Experiment::ReplicateState Experiment::start_replicate(std::size_t replicate, const ReplicateCheckpoint* resume) const {
  ReplicateState state(seed_, replicate);
  const Streams& streams = state.streams;
  // On resume the test set is redrawn from its own stream: the same rows as before the stop.
  Rng test_rng = streams(Purpose::kTestData, 0);
  state.test = TestSet::from(truth_->test_set(test_samples_, test_rng));
  for (const auto& filter : filters_) state.filter_states.push_back(filter->make_state());
  ReplicateResult& result = state.result;
  if (resume) {
    OURO_CHECK(resume->results.side_rows.size() == side_outputs_.size(), DataError,
               "checkpoint of replicate {} holds {} side tables; this run writes {}", replicate,
               resume->results.side_rows.size(), side_outputs_.size());
    OURO_CHECK(resume->filter_states.size() == filters_.size() &&
                   resume->results.filter_counts.size() == resume->next_generation * filters_.size(),
               DataError, "checkpoint of replicate {} holds the state of {} filters; this run has {}", replicate,
               resume->filter_states.size(), filters_.size());
    state.loop = resume->state;
    result = resume->results;
    for (std::size_t f = 0; f < filters_.size(); ++f) {
      if (state.filter_states[f]) state.filter_states[f]->decode(resume->filter_states[f]);
    }
    if (init_ == ModelInit::kPrevious) state.previous = family_->decode(resume->previous_model);
    if (keeps_generation0_) {
      // Refitted exactly: D0 and the fit's stream are keyed by (replicate, generation 0), and
      // generation 0 always fits from scratch.
      Rng initial_rng = streams(Purpose::kInitialData, 0);
      const Samples initial = truth_->draw(policy_.settings().initial, initial_rng);
      Rng fit_rng = streams(Purpose::kFit, 0);
      state.generation0 = family_->fit(initial, fit_rng);
    }
  } else {
    Rng initial_rng = streams(Purpose::kInitialData, 0);
    state.loop = policy_.start(Dataset(truth_->draw(policy_.settings().initial, initial_rng),
                                       Provenance{0, Origin::kOriginal}));
    result.side_rows.resize(side_outputs_.size());
  }
  result.replicate = replicate;
  result.values.resize((generations_ + 1) * metrics_.size());
  result.filter_counts.resize((generations_ + 1) * filters_.size());
  return state;
}

void Experiment::compose(GenerationRecord& record, ReplicateState& state) const {
  const std::size_t g = record.generation;
  record.training = g == 0 ? state.loop.history.front() : policy_.compose(g, state.loop, *truth_, state.streams);
  if (g == 0 || !composition_is_shared() || state.result.replicate == 0) {
    count_composition(*record.training, static_cast<std::int32_t>(g), state.result.composition);
  }
  for (const auto& filter_state : state.filter_states)
    if (filter_state) filter_state->observe_training(*record.training);
}

void Experiment::fit(GenerationRecord& record, ReplicateState& state) const {
  const std::size_t g = record.generation;
  const GenerativeModel* start = nullptr;
  if (g > 0 && init_ == ModelInit::kPrevious) start = state.previous.get();
  if (g > 0 && init_ == ModelInit::kInitial) start = state.generation0.get();
  // Screens drop synthetic samples without replacement, so only now is the size known.
  const std::size_t needed = family_->min_samples(truth_->dim());
  OURO_CHECK(static_cast<std::size_t>(record.training->size()) >= needed, DataError,
             "generation {} of replicate {}: the training set holds {} samples after the screens ([[filter]] "
             "watermark/detector) dropped what they flagged, and a {} model needs at least {}; keep real data in "
             "the loop (loop.real) or screen less",
             g, state.result.replicate, record.training->size(), family_->name(), needed);
  Rng fit_rng = state.streams(Purpose::kFit, g);
  const GenerativeModel* generation0 = g > 0 && capabilities_.fits_from_generation0 ? state.generation0.get() : nullptr;
  record.model = family_->fit(record.training->samples(), fit_rng, start, generation0);
}

void Experiment::sample(GenerationRecord& record, ReplicateState& state) const {
  const std::size_t g = record.generation;
  const LoopSettings& settings = policy_.settings();
  record.synthetic = draw_synthetic(*record.model, settings.synthetic, settings.bias, g, filters_,
                                    state.filter_states, state.streams);
  std::copy(record.synthetic.filter_counts.begin(), record.synthetic.filter_counts.end(),
            state.result.filter_counts.begin() + static_cast<std::ptrdiff_t>(g * filters_.size()));
}

void Experiment::measure(const GenerationRecord& record, ReplicateState& state) const {
  const std::size_t g = record.generation;
  const GenerativeModel& model = *record.model;
  const Streams& streams = state.streams;
  const std::optional<Moments> model_moments = model.moments();
  state.scratch.next_generation();
  // One context serves every metric and side output of the generation; each draws from its own
  // stream, set just before it runs. Side outputs draw nothing today; their stream keeps one that
  // ever does from disturbing the metrics' draws.
  Rng stream = streams(Purpose::kMetric, g, side_outputs_block());
  const MetricContext context{*truth_,
                              state.test,
                              record.synthetic.samples.samples(),
                              stream,
                              model_moments ? &*model_moments : nullptr,
                              truth_moments_ ? &*truth_moments_ : nullptr,
                              &state.scratch,
                              state.generation0.get(),
                              &state.streams,
                              record.synthetic.unscreened ? &*record.synthetic.unscreened : nullptr,
                              record.training.get()};
  const std::size_t metrics = metrics_.size();
  for (std::size_t m = 0; m < metrics; ++m) {
    stream = streams(Purpose::kMetric, g, metric_blocks_[m]);
    state.result.values[g * metrics + m] = metrics_[m]->compute(model, context);
  }
  stream = streams(Purpose::kMetric, g, side_outputs_block());
  for (std::size_t t = 0; t < side_outputs_.size(); ++t) {
    side_outputs_[t]->append_rows(state.result.replicate, g, model, context, state.result.side_rows[t]);
  }
  if (g % record_every_ == 0 || g == generations_) {
    for (const auto& output : side_file_outputs_) output->add_files(state.result.replicate, g, context, state.result.side_files);
  }
}

void Experiment::record(GenerationRecord& record, ReplicateState& state) const {
  const std::size_t g = record.generation;
  // The models later generations read are kept (shared when generation 0's is both).
  if (g == 0 && keeps_generation0_) state.generation0 = std::move(record.model);
  if (init_ == ModelInit::kPrevious) {
    state.previous = record.model ? std::shared_ptr<const GenerativeModel>(std::move(record.model)) : state.generation0;
  }
  if (g < generations_) policy_.record(state.loop, std::move(record.synthetic.samples));
}

ReplicateCheckpoint Experiment::checkpoint(const ReplicateState& state, std::size_t next_generation) const {
  ReplicateCheckpoint c;
  c.replicate = state.result.replicate;
  c.next_generation = next_generation;
  c.results.replicate = c.replicate;
  const auto values = static_cast<std::ptrdiff_t>(next_generation * metrics_.size());
  c.results.values.assign(state.result.values.begin(), state.result.values.begin() + values);
  c.results.composition = state.result.composition;
  c.results.side_rows = state.result.side_rows;
  c.results.side_files = state.result.side_files;
  const auto counts = static_cast<std::ptrdiff_t>(next_generation * filters_.size());
  c.results.filter_counts.assign(state.result.filter_counts.begin(), state.result.filter_counts.begin() + counts);
  c.state = state.loop;
  for (const auto& filter_state : state.filter_states) c.filter_states.push_back(filter_state ? filter_state->encode() : "");
  if (init_ == ModelInit::kPrevious) c.previous_model = state.previous->encode();
  return c;
}

ReplicateResult Experiment::run_replicate(std::size_t replicate, StageTimes* times, const ReplicateHooks* hooks) const {
  const ReplicateCheckpoint* resume = hooks ? hooks->resume_from : nullptr;
  OURO_CHECK(!resume || (resume->replicate == replicate && !resume->finished(generations_)), Error,
             "internal: replicate {} resumed from the checkpoint of replicate {}", replicate,
             resume ? resume->replicate : 0);
  StageTimes local;
  auto start = Clock::now();
  ReplicateState state = start_replicate(replicate, resume);
  local.setup += seconds_since(start);

  // One clock read per stage boundary: each stage's end is the next one's start.
  start = Clock::now();
  const auto lap = [&start](double& stage) {
    const auto now = Clock::now();
    stage += std::chrono::duration<double>(now - start).count();
    start = now;
  };
  for (std::size_t g = resume ? resume->next_generation : 0; g <= generations_; ++g) {
    GenerationRecord generation;
    generation.generation = g;
    compose(generation, state);
    lap(local.compose);
    fit(generation, state);
    lap(local.fit);
    sample(generation, state);
    lap(local.sample);
    measure(generation, state);
    lap(local.metrics);
    if (hooks && hooks->on_generation) hooks->on_generation(generation);
    record(generation, state);
    if (g < generations_ && hooks && hooks->checkpoint_due && hooks->save && hooks->checkpoint_due(g, local.total())) {
      hooks->save(checkpoint(state, g + 1));
      start = Clock::now();  // the checkpoint's own time is no stage's
    }
  }
  if (times) *times += local;
  return std::move(state.result);
}

}  // namespace ouro
