// Shared pieces of the model interface: test-set statistics and the default mean log-probability.
#include "ouro/models/generative_model.hpp"

namespace ouro {

TestSet TestSet::from(Matrix x) {
  TestSet test;
  test.mean = x.colwise().mean().transpose();
  const Matrix centered = x.rowwise() - test.mean.transpose();
  test.scatter = (centered.transpose() * centered) / static_cast<double>(x.rows());
  test.x = std::move(x);
  return test;
}

double GenerativeModel::mean_log_prob(const TestSet& test) const { return log_prob(test.x).mean(); }

}  // namespace ouro
