// Theory: closed-form expectations (over replicates) of metrics, for the settings where collapse is
// understood exactly. The engine writes them to theory.csv beside the measurements.
//
// Each curve is E[metric at generation g] for g = 0..generations, derived in docs/theory.md and
// checked by Monte-Carlo tests. A setting without a closed form yields no curve for that metric:
// theory is never approximated silently.
#pragma once

#include <string>
#include <vector>

namespace ouro {

class Config;
class Truth;

struct TheoryCurve {
  std::string metric;
  std::vector<double> expected;  // index = generation, 0..generations
};

// The curves that apply to this run (possibly none).
std::vector<TheoryCurve> theory_curves(const Config& config, const Truth& truth);

}  // namespace ouro
