// Checks on the two sample sets a distribution metric compares, with messages that name the set.
//
// Every metric function checks its own inputs with generic names ("first sample set"); callers
// that know better names (the CLI: file paths; the loop engine: "synthetic samples" and "test set")
// check first with check_sample_pair so that the message names the file or role.
#pragma once

#include <string_view>

#include "ouro/core/matrix.hpp"

namespace ouro {

// Throws DataError naming `label` when `x` has no rows or no columns, fewer than `min_rows` rows
// (the message says `need`, e.g. "precision with k = 5 needs more than k = 5 rows"), or a NaN/Inf
// value (with its row and column).
void check_samples(const Matrix& x, std::string_view label, Eigen::Index min_rows = 1, std::string_view need = {});

// check_samples on both sets, then DataError if their column counts differ.
void check_sample_pair(const Matrix& a, std::string_view label_a, const Matrix& b, std::string_view label_b,
                       Eigen::Index min_rows = 1, std::string_view need = {});

}  // namespace ouro
