// The sample and filter stages: see sample_stage.hpp.
#include "ouro/loop/sample_stage.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

// Filter f's stream in round r: blocks of different filters and rounds never meet.
std::uint64_t filter_block(std::size_t filter, std::size_t round) {
  return (static_cast<std::uint64_t>(filter) << 32) | static_cast<std::uint64_t>(round);
}

[[noreturn]] void fail_max_draws(const std::vector<std::unique_ptr<Filter>>& filters, const SyntheticSet& set,
                                 std::size_t generation, std::size_t kept, std::size_t n) {
  // The filter that passes the smallest share of what it examines is the one holding S_g back.
  std::size_t worst = 0;
  double worst_rate = 2.0;
  for (std::size_t f = 0; f < filters.size(); ++f) {
    const FilterCounts& c = set.filter_counts[f];
    const double rate = c.drawn == 0 ? 1.0 : static_cast<double>(c.drawn - c.rejected) / static_cast<double>(c.drawn);
    if (rate < worst_rate) {
      worst_rate = rate;
      worst = f;
    }
  }
  const FilterCounts& c = set.filter_counts[worst];
  throw DataError(fmt::format(
      "filter {} ({}) at generation {}: passed {} of the {} candidates it examined, and {} candidates in all gave "
      "{} of the {} samples needed; filter.{}.max_draws = {} allows no more draws: loosen the filter or raise "
      "max_draws",
      worst, filters[worst]->kind(), generation, c.drawn - c.rejected, c.drawn, set.candidates, kept, n, worst,
      filters[worst]->max_draws()));
}

// S_g through the refilling filters, filters[0 .. refilling): exactly n samples.
SyntheticSet draw_refilled(const GenerativeModel& model, std::size_t n, double bias, std::size_t generation,
                           const std::vector<std::unique_ptr<Filter>>& filters, std::size_t refilling,
                           const std::vector<std::unique_ptr<FilterState>>& states, const Streams& streams) {
  const auto g = static_cast<std::int32_t>(generation);
  SyntheticSet set;
  set.filter_counts.assign(filters.size(), FilterCounts{});
  if (refilling == 0) {
    Rng rng = streams(Purpose::kSample, generation, 0);
    set.samples = Dataset(model.draw(n, bias, rng), Provenance{g, Origin::kSynthetic});
    set.candidates = n;
    return set;
  }

  // need[f]: the fewest inputs filter f needs for n samples (its group and every later one's);
  // bound[f]: what filter.f.max_draws lets it examine.
  std::vector<double> need(refilling + 1, static_cast<double>(n));
  for (std::size_t f = refilling; f-- > 0;) need[f] = need[f + 1] * static_cast<double>(filters[f]->group());
  std::vector<double> bound(refilling);
  for (std::size_t f = 0; f < refilling; ++f) bound[f] = std::floor(filters[f]->max_draws() * need[f]);
  const std::size_t group0 = filters[0]->group();
  std::vector<Samples> kept;  // each round's survivors that joined S_g
  std::vector<Provenance> provenance;
  provenance.reserve(n);
  std::vector<std::size_t> alive, passed;
  std::size_t previous_batch = 0;
  for (std::size_t round = 0; provenance.size() < n; ++round) {
    const std::size_t remaining = n - provenance.size();
    // The batch: what the groups need at full pass, or what the pass rate so far says is needed,
    // doubled while nothing has passed; whole groups of the first filter, within its bound.
    double batch = static_cast<double>(remaining) * need[0] / static_cast<double>(n);
    if (round > 0) {
      batch = provenance.empty() ? std::max(batch, 2.0 * static_cast<double>(previous_batch))
                                 : std::max(batch, std::ceil(static_cast<double>(remaining) *
                                                             static_cast<double>(set.candidates) /
                                                             static_cast<double>(provenance.size())));
    }
    batch = std::min(batch, bound[0] - static_cast<double>(set.filter_counts[0].drawn));
    const auto size = static_cast<std::size_t>(std::max(0.0, batch)) / group0 * group0;
    if (size == 0) fail_max_draws(filters, set, generation, provenance.size(), n);
    previous_batch = size;

    Rng sample_rng = streams(Purpose::kSample, generation, round);
    const Samples candidates = model.draw(size, bias, sample_rng);
    alive.resize(size);
    std::iota(alive.begin(), alive.end(), std::size_t{0});
    for (std::size_t f = 0; f < refilling && !alive.empty(); ++f) {
      // A filter judging groups sees whole groups only; a partial last group is surplus.
      const std::size_t usable = alive.size() - alive.size() % filters[f]->group();
      const Samples input = candidates.select(std::span<const std::size_t>(alive.data(), usable));
      Rng filter_rng = streams(Purpose::kFilter, generation, filter_block(f, round));
      passed.clear();
      filters[f]->apply(input, filter_rng, states[f].get(), passed);
      FilterCounts& counts = set.filter_counts[f];
      counts.drawn += usable;
      counts.rejected += usable - passed.size();
      std::size_t p = 0;
      for (std::size_t i = 0; i < usable; ++i) {
        if (p < passed.size() && passed[p] == i) {
          alive[p++] = alive[i];
        } else {
          set.rejected.push_back({static_cast<std::uint32_t>(set.candidates + alive[i]), static_cast<std::uint32_t>(f)});
        }
      }
      alive.resize(passed.size());
    }
    const std::size_t joining = std::min(alive.size(), n - provenance.size());
    for (std::size_t i = 0; i < joining; ++i) {
      provenance.push_back({g, Origin::kSynthetic, false, static_cast<std::uint32_t>(provenance.size()),
                            static_cast<std::uint32_t>(set.candidates + alive[i])});
    }
    // Candidates every filter passed once S_g was full: judged, but not needed.
    for (std::size_t i = joining; i < alive.size(); ++i)
      set.surplus.push_back(static_cast<std::uint32_t>(set.candidates + alive[i]));
    kept.push_back(candidates.select(std::span<const std::size_t>(alive.data(), joining)));
    set.candidates += size;
    if (provenance.size() < n) {
      for (std::size_t f = 0; f < refilling; ++f) {
        if (static_cast<double>(set.filter_counts[f].drawn) >= bound[f]) {
          fail_max_draws(filters, set, generation, provenance.size(), n);
        }
      }
    }
  }
  std::vector<const Samples*> parts;
  for (const Samples& part : kept) parts.push_back(&part);
  set.samples = Dataset(Samples::concat(parts), provenance);
  return set;
}

// The screens, filters[first ..), each on the whole of S_g in turn: what one flags leaves S_g.
void screen(SyntheticSet& set, std::size_t generation, const std::vector<std::unique_ptr<Filter>>& filters,
            std::size_t first, const Streams& streams) {
  if (first == filters.size()) return;
  set.unscreened = set.samples.samples();
  std::vector<std::size_t> passed;
  for (std::size_t f = first; f < filters.size(); ++f) {
    const Dataset& input = set.samples;
    Rng rng = streams(Purpose::kFilter, generation, filter_block(f, 0));
    passed.clear();
    ScreenScores& scored = set.screen_scores.emplace_back();
    scored.filter = static_cast<std::uint32_t>(f);
    filters[f]->screen(input.samples(), rng, passed, scored.scores);
    const auto size = static_cast<std::size_t>(input.size());
    set.filter_counts[f] = {size, size - passed.size()};
    const std::vector<Provenance> provenance = input.provenance();
    scored.candidates.reserve(size);
    std::size_t p = 0;
    for (std::size_t i = 0; i < size; ++i) {
      scored.candidates.push_back(provenance[i].candidate);
      if (p < passed.size() && passed[p] == i) ++p;
      else set.rejected.push_back({provenance[i].candidate, static_cast<std::uint32_t>(f)});
    }
    set.samples = input.select(passed);
  }
}

}  // namespace

SyntheticSet draw_synthetic(const GenerativeModel& model, std::size_t n, double bias, std::size_t generation,
                            const std::vector<std::unique_ptr<Filter>>& filters,
                            const std::vector<std::unique_ptr<FilterState>>& states, const Streams& streams) {
  // make_filters puts every screen after every refilling filter.
  std::size_t refilling = 0;
  while (refilling < filters.size() && filters[refilling]->refills()) ++refilling;
  SyntheticSet set = draw_refilled(model, n, bias, generation, filters, refilling, states, streams);
  screen(set, generation, filters, refilling, streams);
  std::sort(set.rejected.begin(), set.rejected.end(),
            [](const RejectedCandidate& a, const RejectedCandidate& b) { return a.candidate < b.candidate; });
  for (const auto& state : states)
    if (state) state->end_generation();
  return set;
}

}  // namespace ouro
