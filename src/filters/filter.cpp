// make_filters: the [[filter]] tables of a config, validated against the family and the truth
// (see filter.hpp). Each table's keys are read here; the kinds live in their own files.
#include "ouro/filters/filter.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/watermark_config.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "ouro/models/truth.hpp"
#include "filter_kinds.hpp"

namespace ouro {
namespace {

// The keys of a [[filter]] table other than kind and max_draws, and the kinds that read them.
struct KindKey {
  std::string_view name;
  std::initializer_list<std::string_view> kinds;
};
const std::array<KindKey, 10> kKindKeys{{
    {"candidates", {"curate"}},
    {"reward", {"curate", "threshold"}},
    {"reward.linear", {"curate", "threshold"}},
    {"reward.offset", {"curate", "threshold"}},
    {"reward.center", {"curate", "threshold"}},
    {"reward.scale", {"curate", "threshold"}},
    {"min_reward", {"threshold"}},
    {"detector", {"detector"}},
    {"flag_above", {"detector"}},
    {"miss_rate", {"watermark", "detector"}},
}};

bool reads(const KindKey& key, std::string_view kind) {
  return std::find(key.kinds.begin(), key.kinds.end(), kind) != key.kinds.end();
}

bool is_screen(std::string_view kind) { return kind == "watermark" || kind == "detector"; }

// A key set in the table that its kind does not read is an error, not silently ignored.
void refuse_foreign_keys(const Config& config, const std::string& prefix, std::string_view kind) {
  for (const KindKey& key : kKindKeys) {
    const std::string full = fmt::format("{}.{}", prefix, key.name);
    if (!reads(key, kind) && config.user_set(full)) {
      config.fail(full, fmt::format("does not apply to a {} filter", kind));
    }
  }
}

// A watermark or detector screen; it judges text, so the truth must be a corpus.
std::unique_ptr<Filter> make_screen(const Config& config, const std::string& prefix, std::string_view kind,
                                    const Truth& truth) {
  const std::string kind_key = prefix + ".kind";
  const CorpusTruth* corpus = truth.corpus();
  if (corpus == nullptr) {
    config.fail(kind_key, fmt::format("a {} filter judges text, but truth.kind is \"{}\" (it needs a corpus truth)",
                                      kind, truth.kind()));
  }
  if (config.user_set(prefix + ".max_draws")) {
    config.fail(prefix + ".max_draws", fmt::format("a {} filter draws no replacements", kind));
  }
  const double miss_rate = config.real(prefix + ".miss_rate");
  if (kind == "watermark") {
    const auto settings = hygiene::watermark_settings(config, corpus->vocabulary().size());
    if (!settings) {
      config.fail(kind_key, "a watermark filter detects the run's own watermark, but watermark.scheme is \"none\" "
                            "(set a [watermark] table)");
    }
    return make_watermark_filter(*settings, miss_rate);
  }
  if (!config.has(prefix + ".detector")) {
    config.fail(kind_key, "a detector filter needs detector, the file `ouro detector train` wrote");
  }
  const std::string& file = config.text(prefix + ".detector");
  std::shared_ptr<const hygiene::Detector> detector;
  try {
    detector = hygiene::Detector::load_shared(file);
  } catch (const Error& e) {
    config.fail(prefix + ".detector", e.what());
  }
  return make_detector_filter(std::move(detector), *corpus, config.real(prefix + ".flag_above"), miss_rate);
}

}  // namespace

std::vector<std::unique_ptr<Filter>> make_filters(const Config& config, const Capabilities& family,
                                                  std::string_view family_name, const Truth& truth) {
  std::vector<std::unique_ptr<Filter>> filters;
  const std::size_t count = config.table_count("filter");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string prefix = fmt::format("filter.{}", i);
    const std::string kind_key = prefix + ".kind";
    const std::string& kind = config.text(kind_key);
    if (!family.exchangeable_samples) {
      config.fail(kind_key, fmt::format("a {} model's samples cannot be filtered: each is tied to its design point, "
                                        "so dropping and redrawing samples would change the design",
                                        family_name));
    }
    refuse_foreign_keys(config, prefix, kind);
    if (is_screen(kind)) {
      filters.push_back(make_screen(config, prefix, kind, truth));
      continue;
    }
    if (!filters.empty() && !filters.back()->refills()) {
      config.fail(kind_key, fmt::format("a {} filter refills S_g, so it must come before the screens (watermark, "
                                        "detector), which judge the complete set",
                                        kind));
    }
    const double max_draws = config.real(prefix + ".max_draws");
    if (kind == "curate") {
      const auto candidates = static_cast<std::size_t>(config.integer(prefix + ".candidates"));
      filters.push_back(
          make_curate_filter(Reward::from_config(config, prefix, family, family_name, truth), candidates, max_draws));
    } else if (kind == "threshold") {
      if (!config.has(prefix + ".min_reward")) {
        config.fail(kind_key, "a threshold filter needs min_reward (samples with r(x) >= min_reward are kept)");
      }
      filters.push_back(make_threshold_filter(Reward::from_config(config, prefix, family, family_name, truth),
                                              config.real(prefix + ".min_reward"), max_draws));
    } else {
      if (!family.exact_equality) {
        config.fail(kind_key, fmt::format("a {} model's samples have no exact equality to deduplicate by", family_name));
      }
      filters.push_back(make_dedup_filter(max_draws));
    }
  }
  return filters;
}

void Filter::screen(const Samples& /*samples*/, Rng& /*rng*/, std::vector<std::size_t>& /*passed*/,
                    std::vector<double>& /*scores*/) const {
  throw Error(fmt::format("internal: filter kind {} is not a screen", kind()));
}

std::vector<std::string> filter_labels(const std::vector<std::unique_ptr<Filter>>& filters) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < filters.size(); ++i) labels.push_back(fmt::format("filter{}_{}", i + 1, filters[i]->kind()));
  return labels;
}

}  // namespace ouro
