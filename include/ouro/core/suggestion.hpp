// "Did you mean" suggestions: the name closest to a mistyped one, by edit distance, for unknown
// config keys and tables, metric names and the like. One rule everywhere: a suggestion is made
// only within the distance a typo makes (at most 2 edits, or a quarter of the typed length).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace ouro {

// Levenshtein distance (insertions, deletions and substitutions each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// True when `distance` between a typed name and a candidate is small enough to suggest it.
bool close_enough(std::size_t distance, std::string_view typed);

// The candidate closest to `typed` (the first of equals) when close_enough, else "".
std::string closest_name(std::string_view typed, std::span<const std::string> candidates);

// " (did you mean 'x'?)" for closest_name's answer, or "" when there is none: the phrase every
// message of this kind ends with.
std::string did_you_mean(std::string_view typed, std::span<const std::string> candidates);

}  // namespace ouro
