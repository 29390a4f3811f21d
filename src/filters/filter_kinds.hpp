// The filter kinds behind make_filters (private to the filters module).
#pragma once

#include <memory>

#include "ouro/filters/filter.hpp"
#include "ouro/filters/reward.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/watermark.hpp"

namespace ouro {

class CorpusTruth;

std::unique_ptr<Filter> make_curate_filter(Reward reward, std::size_t candidates, double max_draws);
std::unique_ptr<Filter> make_threshold_filter(Reward reward, double min_reward, double max_draws);
std::unique_ptr<Filter> make_dedup_filter(double max_draws);
std::unique_ptr<Filter> make_watermark_filter(const hygiene::WatermarkSettings& settings, double miss_rate);
std::unique_ptr<Filter> make_detector_filter(std::shared_ptr<const hygiene::Detector> detector,
                                             const CorpusTruth& corpus, double flag_above, double miss_rate);

}  // namespace ouro
