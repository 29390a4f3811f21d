// The real share of the training sets at a few generations: see training_share.hpp.
#include "ouro/loop/training_share.hpp"

#include <fmt/format.h>

#include "ouro/loop/recorder.hpp"

namespace ouro {

std::string training_share_table(const Recorder& recorder, std::span<const std::size_t> generations) {
  std::string out;
  for (const std::size_t g : generations) {
    const OriginRows& rows = recorder.origin_rows(g);
    const std::size_t total = rows.total();
    if (total == 0) continue;
    if (out.empty()) {
      out = fmt::format("{:<16} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "training set", "generation", "rows",
                        "original", "fresh", "synthetic");
    }
    const auto share = [total](std::size_t part) {
      return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(total));
    };
    const double mean_rows = static_cast<double>(total) / static_cast<double>(recorder.replicates());
    out += fmt::format("{:<16} {:>10} {:>10.6g} {:>10} {:>10} {:>10}\n", "", g, mean_rows, share(rows.original),
                       share(rows.fresh), share(rows.synthetic));
  }
  return out;
}

}  // namespace ouro
