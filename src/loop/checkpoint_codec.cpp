// Encodings shared by the checkpoint files: see checkpoint_codec.hpp.
#include "checkpoint_codec.hpp"

namespace ouro::checkpoint_codec {

void put_string(Writer& w, std::string_view text) {
  w.put<std::uint64_t>(text.size());
  w.put_text(text);
}

std::string get_string(Reader& r) {
  std::string text(r.count(1), '\0');
  r.get_bytes(text.data(), text.size());
  return text;
}

void put_results(Writer& w, const ReplicateResult& result) {
  const std::vector<double>& values = result.values;
  w.put<std::uint64_t>(values.size());
  w.put_bytes(values.data(), values.size() * sizeof(double));
  w.put<std::uint64_t>(result.composition.size());
  for (const CompositionCount& count : result.composition) {
    w.put<std::int32_t>(count.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(count.origin));
    w.put<std::int32_t>(count.origin_generation);
    w.put<std::uint64_t>(count.count);
  }
  w.put<std::uint64_t>(result.side_rows.size());
  for (const std::string& rows : result.side_rows) put_string(w, rows);
  w.put<std::uint64_t>(result.filter_counts.size());
  for (const FilterCounts& counts : result.filter_counts) {
    w.put<std::uint64_t>(counts.drawn);
    w.put<std::uint64_t>(counts.rejected);
  }
}

void get_results(Reader& r, ReplicateResult& result) {
  std::vector<double>& values = result.values;
  values.resize(r.count(sizeof(double)));
  r.get_bytes(values.data(), values.size() * sizeof(double));
  result.composition.resize(r.count(4 + 1 + 4 + 8));
  for (CompositionCount& count : result.composition) {
    count.generation = r.get<std::int32_t>();
    count.origin = static_cast<Origin>(r.get<std::uint8_t>());
    count.origin_generation = r.get<std::int32_t>();
    count.count = static_cast<std::size_t>(r.get<std::uint64_t>());
  }
  result.side_rows.resize(r.count(8));
  for (std::string& rows : result.side_rows) rows = get_string(r);
  result.filter_counts.resize(r.count(16));
  for (FilterCounts& counts : result.filter_counts) {
    counts.drawn = r.get<std::uint64_t>();
    counts.rejected = r.get<std::uint64_t>();
  }
}

void put_dataset(Writer& w, const Dataset& d) {
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.size()));
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.dim()));
  w.put_bytes(d.x().data(), static_cast<std::size_t>(d.x().size()) * sizeof(double));
  w.put<std::uint64_t>(d.provenance_runs().size());
  for (const ProvenanceRun& run : d.provenance_runs()) {
    const Provenance& p = run.first;
    w.put<std::int32_t>(p.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(p.origin));
    w.put<std::uint8_t>(p.watermarked ? 1 : 0);
    w.put<std::uint32_t>(p.index);
    w.put<std::uint32_t>(p.candidate);
    w.put<std::uint32_t>(run.rows);
  }
}

Dataset get_dataset(Reader& r) {
  const std::size_t rows = r.count(0);
  const std::size_t cols = r.count(0);
  OURO_CHECK(cols == 0 || rows <= (std::size_t{1} << 40) / cols, DataError, "checkpoint: a data set of {} x {}", rows,
             cols);
  Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  r.get_bytes(x.data(), rows * cols * sizeof(double));
  std::vector<ProvenanceRun> runs(r.count(4 + 1 + 1 + 4 + 4 + 4));
  for (ProvenanceRun& run : runs) {
    Provenance& p = run.first;
    p.generation = r.get<std::int32_t>();
    p.origin = static_cast<Origin>(r.get<std::uint8_t>());
    p.watermarked = r.get<std::uint8_t>() != 0;
    p.index = r.get<std::uint32_t>();
    p.candidate = r.get<std::uint32_t>();
    run.rows = r.get<std::uint32_t>();
  }
  return Dataset(std::move(x), std::move(runs));
}

}  // namespace ouro::checkpoint_codec
