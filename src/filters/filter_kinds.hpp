// The filter kinds behind make_filters (private to the filters module).
#pragma once

#include <memory>

#include "ouro/filters/filter.hpp"
#include "ouro/filters/reward.hpp"

namespace ouro {

std::unique_ptr<Filter> make_curate_filter(Reward reward, std::size_t candidates, double max_draws);
std::unique_ptr<Filter> make_threshold_filter(Reward reward, double min_reward, double max_draws);
std::unique_ptr<Filter> make_dedup_filter(double max_draws);

}  // namespace ouro
