// dedup: drops a candidate equal to a sample already in the replicate's training pool (every
// training set so far) or to a candidate it passed earlier in the same generation. Equality is
// exact: the samples' bytes (token ids, outcome indices, bit-equal vectors and images; -0.0 and
// 0.0 differ).
//
// The pool is the filter's per-replicate state: it grows by each training set as the loop
// composes it and is checkpointed with the replicate, so a resumed run rejects exactly what the
// uninterrupted one does. Rows are kept whole (not hashed), so no collision can reject a sample.
#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "filter_kinds.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

class DedupState final : public FilterState {
 public:
  void observe_training(const Dataset& training) override {
    for (Eigen::Index i = 0; i < training.size(); ++i) pool_.emplace(training.samples().bytes(i));
  }
  void end_generation() override { passed_.clear(); }

  // True (and remembered) when the row is new to the pool and to this generation's passes.
  bool pass(std::string row) {
    if (pool_.contains(row)) return false;
    return passed_.insert(std::move(row)).second;
  }

  // Rows sorted, so the same pool always encodes to the same bytes.
  std::string encode() const override {
    OURO_CHECK(passed_.empty(), Error, "internal: dedup state encoded in the middle of a generation");
    std::vector<const std::string*> rows;
    rows.reserve(pool_.size());
    for (const std::string& row : pool_) rows.push_back(&row);
    std::sort(rows.begin(), rows.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    std::string out;
    const auto put = [&out](std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put(rows.size());
    for (const std::string* row : rows) {
      put(row->size());
      out += *row;
    }
    return out;
  }

  void decode(std::string_view bytes) override {
    pool_.clear();
    passed_.clear();
    std::size_t at = 0;
    const auto get = [&]() {
      std::uint64_t v = 0;
      OURO_CHECK(bytes.size() - at >= sizeof v, DataError, "dedup state: truncated at byte {}", at);
      std::memcpy(&v, bytes.data() + at, sizeof v);
      at += sizeof v;
      return v;
    };
    const std::uint64_t count = get();
    for (std::uint64_t r = 0; r < count; ++r) {
      const std::uint64_t size = get();
      OURO_CHECK(bytes.size() - at >= size, DataError, "dedup state: a row of {} bytes at byte {} runs past the end",
                 size, at);
      pool_.emplace(bytes.substr(at, size));
      at += size;
    }
    OURO_CHECK(at == bytes.size(), DataError, "dedup state: {} trailing bytes", bytes.size() - at);
  }

 private:
  std::unordered_set<std::string> pool_;
  std::unordered_set<std::string> passed_;
};

class DedupFilter final : public Filter {
 public:
  explicit DedupFilter(double max_draws) : Filter(max_draws) {}

  std::string_view kind() const override { return "dedup"; }

  void apply(const Samples& candidates, Rng& /*rng*/, FilterState* state, std::vector<std::size_t>& passed) const override {
    auto& seen = static_cast<DedupState&>(*state);
    for (Eigen::Index i = 0; i < candidates.size(); ++i) {
      if (seen.pass(std::string(candidates.bytes(i)))) passed.push_back(static_cast<std::size_t>(i));
    }
  }

  std::unique_ptr<FilterState> make_state() const override { return std::make_unique<DedupState>(); }
};

}  // namespace

std::unique_ptr<Filter> make_dedup_filter(double max_draws) { return std::make_unique<DedupFilter>(max_draws); }

}  // namespace ouro
