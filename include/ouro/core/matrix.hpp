// Linear-algebra vocabulary shared by every module.
//
// Samples are stored row-major (one row per sample) so that a sample is contiguous in memory and a
// block of samples is a contiguous slice; this matches the .npy/.csv files users bring (rows are
// samples) and lets samplers write rows in place.
#pragma once

#include <Eigen/Dense>

namespace ouro {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;

}  // namespace ouro
