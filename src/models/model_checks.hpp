// Input checks shared by the model families, so that every fit, sample and log_prob rejects bad
// input with the same kind of message: what was called, what was expected, what arrived.
#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>

#include "ouro/core/dataset.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/matrix.hpp"

namespace ouro::detail {

// Checks the shape and values of training data: `cols` columns, at least `min_rows` rows (`rule`
// names the formula, e.g. "d+1", or is empty), every value finite. `what` names the call, e.g. "gaussian fit".
inline void check_fit_input(const Matrix& data, Eigen::Index cols, std::size_t min_rows, std::string_view what,
                            std::string_view rule) {
  OURO_CHECK(data.cols() == cols, DataError, "{}: expected {} column{} per sample, got {}", what, cols,
             cols == 1 ? "" : "s", data.cols());
  if (static_cast<std::size_t>(data.rows()) < min_rows) {
    if (rule.empty()) throw DataError(fmt::format("{} needs at least {} samples, got {}", what, min_rows, data.rows()));
    throw DataError(fmt::format("{} needs at least {} = {} samples, got {}", what, rule, min_rows, data.rows()));
  }
  check_finite(data, what);
}

inline void check_columns(const Matrix& x, Eigen::Index cols, std::string_view what) {
  OURO_CHECK(x.cols() == cols, DataError, "{}: expected {} column{} per row, got {}", what, cols,
             cols == 1 ? "" : "s", x.cols());
}

inline void check_bias(double bias, std::string_view family) {
  OURO_CHECK(bias > 0.0 && bias <= 1.0, DataError, "{} sample: sampling bias must be in (0, 1], got {}", family,
             bias);
}

}  // namespace ouro::detail
