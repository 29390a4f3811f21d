// make_filters: the [[filter]] tables of a config, validated against the family and the truth
// (see filter.hpp). Each table's keys are read here; the kinds live in their own files.
#include "ouro/filters/filter.hpp"

#include <array>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/models/truth.hpp"
#include "filter_kinds.hpp"

namespace ouro {
namespace {

// The keys of a [[filter]] table other than kind and max_draws, and the kinds that read them.
struct KindKey {
  std::string_view name;
  bool curate, threshold, dedup;
};
constexpr std::array<KindKey, 7> kKindKeys{{
    {"candidates", true, false, false},
    {"reward", true, true, false},
    {"reward.linear", true, true, false},
    {"reward.offset", true, true, false},
    {"reward.center", true, true, false},
    {"reward.scale", true, true, false},
    {"min_reward", false, true, false},
}};

bool reads(const KindKey& key, std::string_view kind) {
  return kind == "curate" ? key.curate : kind == "threshold" ? key.threshold : key.dedup;
}

// A key set in the table that its kind does not read is an error, not silently ignored.
void refuse_foreign_keys(const Config& config, const std::string& prefix, std::string_view kind) {
  for (const KindKey& key : kKindKeys) {
    const std::string full = fmt::format("{}.{}", prefix, key.name);
    if (!reads(key, kind) && config.user_set(full)) {
      config.fail(full, fmt::format("does not apply to a {} filter", kind));
    }
  }
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

std::vector<std::string> filter_labels(const std::vector<std::unique_ptr<Filter>>& filters) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < filters.size(); ++i) labels.push_back(fmt::format("filter{}_{}", i + 1, filters[i]->kind()));
  return labels;
}

}  // namespace ouro
