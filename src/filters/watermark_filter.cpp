// watermark: a screen that drops the synthetic samples whose KGW watermark z-score exceeds
// watermark.z_threshold, read with the run's own [watermark] table (the loop watermarks what it
// generates, and its hygiene detects it before the next generation trains).
#include <vector>

#include "filter_kinds.hpp"
#include "screen_filter.hpp"

namespace ouro {
namespace {

class WatermarkFilter final : public ScreenFilter {
 public:
  WatermarkFilter(const hygiene::WatermarkSettings& settings, double miss_rate)
      : ScreenFilter(settings.z_threshold, miss_rate), watermark_(settings) {}

  std::string_view kind() const override { return "watermark"; }
  std::string_view score_name() const override { return "watermark_z"; }

 private:
  // z is NaN for a sample too short to hold a scored n-gram.
  double score(const Samples& samples, Eigen::Index i) const override {
    const auto tokens = samples.tokens(i);
    const std::vector<text::TokenId> ids(tokens.begin(), tokens.end());
    return watermark_.score(ids).z;
  }

  hygiene::Watermark watermark_;
};

}  // namespace

std::unique_ptr<Filter> make_watermark_filter(const hygiene::WatermarkSettings& settings, double miss_rate) {
  return std::make_unique<WatermarkFilter>(settings, miss_rate);
}

}  // namespace ouro
