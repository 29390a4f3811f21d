// The [watermark] table as WatermarkSettings (see watermark_config.hpp).
#include "ouro/hygiene/watermark_config.hpp"

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"

namespace ouro::hygiene {

std::optional<WatermarkSettings> watermark_table(const Config& config) {
  const std::string& scheme = config.text("watermark.scheme");
  if (scheme == "none") return std::nullopt;
  WatermarkSettings settings;
  if (!parse_watermark_scheme(scheme, &settings.scheme)) config.fail("watermark.scheme", "expected none, simple_1 or selfhash");
  settings.gamma = config.real("watermark.gamma");
  settings.delta = config.real("watermark.delta");
  settings.key = static_cast<std::uint64_t>(config.integer("watermark.key"));
  settings.z_threshold = config.real("watermark.z_threshold");
  settings.count_repeats = config.boolean("watermark.count_repeats");
  return settings;
}

std::optional<WatermarkSettings> watermark_settings(const Config& config, std::size_t vocab_size) {
  std::optional<WatermarkSettings> settings = watermark_table(config);
  if (!settings) return std::nullopt;
  settings->vocab_size = static_cast<std::int64_t>(vocab_size);
  try {
    Watermark check(*settings);
  } catch (const ConfigError& e) {
    config.fail("watermark.gamma", e.what());
  }
  return settings;
}

}  // namespace ouro::hygiene
