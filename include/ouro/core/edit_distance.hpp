// "Did you mean" suggestions: the Levenshtein distance between two names, and the closest of a
// list when it is close enough to be what the user meant (config keys, metric names).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ouro {

// Insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the candidate closest to `typed` when it is within
// max(2, |typed| / 4) edits, else "".
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace ouro
