// "Did you mean" suggestions (see suggestion.hpp).
#include "ouro/core/suggestion.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace ouro {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool close_enough(std::size_t distance, std::string_view typed) {
  return distance <= std::max<std::size_t>(2, typed.size() / 4);
}

std::string closest_name(std::string_view typed, std::span<const std::string> candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(typed, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return close_enough(best_distance, typed) ? best : std::string();
}

std::string did_you_mean(std::string_view typed, std::span<const std::string> candidates) {
  const std::string best = closest_name(typed, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

}  // namespace ouro
