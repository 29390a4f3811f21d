// The [watermark] table of a run (docs/config.md): whether and how a loop watermarks its
// synthetic samples. Read by the families that watermark (ngram) and by the watermark metrics.
#pragma once

#include <cstddef>
#include <optional>

#include "ouro/hygiene/watermark.hpp"

namespace ouro {
class Config;
}

namespace ouro::hygiene {

// The table's settings without a vocabulary (vocab_size 0: set it before building a Watermark);
// nullopt when watermark.scheme is "none".
std::optional<WatermarkSettings> watermark_table(const Config& config);

// The table's settings over a vocabulary of `vocab_size` ids, checked; nullopt when
// watermark.scheme is "none". ConfigError (naming the key) for settings the watermark refuses.
std::optional<WatermarkSettings> watermark_settings(const Config& config, std::size_t vocab_size);

}  // namespace ouro::hygiene
