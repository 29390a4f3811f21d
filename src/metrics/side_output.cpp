// Which side outputs a run writes: see side_output.hpp.
#include "ouro/metrics/side_output.hpp"

#include <algorithm>

#include "ouro/core/config.hpp"
#include "ouro/metrics/sample_grid.hpp"
#include "text/text_side_outputs.hpp"

namespace ouro {

std::vector<std::unique_ptr<SideOutput>> make_side_outputs(const Config& config, const Capabilities& family,
                                                           const Truth& truth,
                                                           const std::vector<std::string>& metric_names) {
  std::vector<std::unique_ptr<SideOutput>> outputs;
  const bool text = truth.corpus() != nullptr && family.samples == SampleKind::kTokens;
  const auto text_samples = static_cast<std::size_t>(config.integer("metrics.text_samples"));
  if (text && text_samples > 0) outputs.push_back(make_sample_texts_output(text_samples));
  const bool ppl_gen0 = std::any_of(metric_names.begin(), metric_names.end(),
                                    [](const std::string& name) { return name.starts_with("ppl_gen0"); });
  if (ppl_gen0) outputs.push_back(make_ppl_gen0_histogram_output());
  return outputs;
}

std::vector<std::unique_ptr<SideFileOutput>> make_side_file_outputs(const Config& config, const Capabilities& family) {
  std::vector<std::unique_ptr<SideFileOutput>> outputs;
  const auto image_samples = static_cast<std::size_t>(config.integer("metrics.image_samples"));
  const auto image_replicates = static_cast<std::size_t>(config.integer("metrics.image_replicates"));
  if (family.samples == SampleKind::kImage && image_samples > 0 && image_replicates > 0) {
    outputs.push_back(make_sample_grids_output(image_samples, image_replicates));
  }
  return outputs;
}

}  // namespace ouro
