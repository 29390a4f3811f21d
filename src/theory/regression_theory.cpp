// Closed-form expected test error of the self-consuming least-squares loops.
#include "ouro/theory/regression_theory.hpp"

#include "ouro/core/error.hpp"
#include "ouro/theory/special_functions.hpp"

namespace ouro::theory {
namespace {

bool common_ok(std::int64_t dim, const LoopSizes& sizes) {
  return dim >= 1 && sizes.initial > dim + 1 && sizes.generations >= 0 && sizes.bias > 0 && sizes.bias <= 1 &&
         (sizes.generations == 0 || sizes.synthetic >= 1);
}

// E tr (X_g^T X_g)^{-1} of the design every generation g >= 1 trains on under keep = replace.
double later_trace_inverse(std::int64_t dim, const LoopSizes& sizes, Design design) {
  if (design == Design::kFresh || sizes.synthetic <= sizes.initial) {
    // Fresh Gaussian rows, or the first ns rows of X0: an ns x d Gaussian design either way.
    return expected_trace_inverse_wishart(dim, sizes.synthetic);
  }
  // ns = k n0: X0 stacked k times, Gram k X0^T X0.
  const double k = static_cast<double>(sizes.synthetic / sizes.initial);
  return expected_trace_inverse_wishart(dim, sizes.initial) / k;
}

}  // namespace

bool regression_replace_has_closed_form(std::int64_t dim, const LoopSizes& sizes, Design design) {
  if (!common_ok(dim, sizes)) return false;
  if (sizes.generations == 0) return true;
  if (design == Design::kFresh) return sizes.synthetic > dim + 1;
  if (sizes.synthetic <= sizes.initial) return sizes.synthetic > dim + 1;
  return sizes.synthetic % sizes.initial == 0;
}

std::vector<double> regression_replace_test_mse(double noise, std::int64_t dim, const LoopSizes& sizes, Design design) {
  OURO_CHECK(noise >= 0 && regression_replace_has_closed_form(dim, sizes, design), ConfigError,
             "regression_replace_test_mse: no closed form for noise = {}, d = {}, initial = {}, synthetic = {}, "
             "generations = {}, bias = {} with the {} design (needs initial > d + 1 and a later design with a finite "
             "mean inverse Gram matrix)",
             noise, dim, sizes.initial, sizes.synthetic, sizes.generations, sizes.bias,
             design == Design::kFixed ? "fixed" : "fresh");
  // w_g - w_{g-1} = G_g^{-1} X_g^T eps'_g has mean zero given the past: squared increments add.
  std::vector<double> out{noise * expected_trace_inverse_wishart(dim, sizes.initial)};
  if (sizes.generations == 0) return out;
  const double step = sizes.bias * noise * later_trace_inverse(dim, sizes, design);
  for (std::int64_t g = 1; g <= sizes.generations; ++g) out.push_back(out.back() + step);
  return out;
}

bool regression_accumulate_has_closed_form(std::int64_t dim, const LoopSizes& sizes, Design design) {
  if (!common_ok(dim, sizes)) return false;
  if (sizes.generations == 0) return true;
  return design == Design::kFixed && sizes.synthetic % sizes.initial == 0;
}

std::vector<double> regression_accumulate_test_mse(double noise, std::int64_t dim, const LoopSizes& sizes) {
  OURO_CHECK(noise >= 0 && regression_accumulate_has_closed_form(dim, sizes, Design::kFixed), ConfigError,
             "regression_accumulate_test_mse: no closed form for noise = {}, d = {}, initial = {}, synthetic = {}, "
             "generations = {}, bias = {} (needs initial > d + 1 and synthetic a multiple of initial)",
             noise, dim, sizes.initial, sizes.synthetic, sizes.generations, sizes.bias);
  const double base = noise * expected_trace_inverse_wishart(dim, sizes.initial);
  std::vector<double> out{base};
  if (sizes.generations == 0) return out;
  const double k = static_cast<double>(sizes.synthetic / sizes.initial);
  double sum = 1.0;
  for (std::int64_t g = 1; g <= sizes.generations; ++g) {
    const double weight = 1.0 + static_cast<double>(g) * k;  // copies of X0 in generation g's design
    sum += sizes.bias * k / (weight * weight);
    out.push_back(base * sum);
  }
  return out;
}

}  // namespace ouro::theory
