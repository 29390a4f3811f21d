// Encodings shared by the checkpoint files: see checkpoint_codec.hpp.
#include "checkpoint_codec.hpp"

namespace ouro::checkpoint_codec {

void put_results(Writer& w, const std::vector<double>& values, const std::vector<CompositionCount>& composition,
                 const std::vector<std::string>& side_rows) {
  w.put<std::uint64_t>(values.size());
  w.put_bytes(values.data(), values.size() * sizeof(double));
  w.put<std::uint64_t>(composition.size());
  for (const CompositionCount& count : composition) {
    w.put<std::int32_t>(count.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(count.origin));
    w.put<std::int32_t>(count.origin_generation);
    w.put<std::uint64_t>(count.count);
  }
  w.put<std::uint64_t>(side_rows.size());
  for (const std::string& rows : side_rows) {
    w.put<std::uint64_t>(rows.size());
    w.put_text(rows);
  }
}

void get_results(Reader& r, std::vector<double>& values, std::vector<CompositionCount>& composition,
                 std::vector<std::string>& side_rows) {
  values.resize(r.count(sizeof(double)));
  r.get_bytes(values.data(), values.size() * sizeof(double));
  composition.resize(r.count(4 + 1 + 4 + 8));
  for (CompositionCount& count : composition) {
    count.generation = r.get<std::int32_t>();
    count.origin = static_cast<Origin>(r.get<std::uint8_t>());
    count.origin_generation = r.get<std::int32_t>();
    count.count = static_cast<std::size_t>(r.get<std::uint64_t>());
  }
  side_rows.resize(r.count(8));
  for (std::string& rows : side_rows) {
    rows.resize(r.count(1));
    r.get_bytes(rows.data(), rows.size());
  }
}

void put_dataset(Writer& w, const Dataset& d) {
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.size()));
  w.put<std::uint64_t>(static_cast<std::uint64_t>(d.dim()));
  w.put_bytes(d.x().data(), static_cast<std::size_t>(d.x().size()) * sizeof(double));
  for (const Provenance& p : d.provenance()) {
    w.put<std::int32_t>(p.generation);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(p.origin));
    w.put<std::uint8_t>(p.watermarked ? 1 : 0);
  }
}

Dataset get_dataset(Reader& r) {
  const std::size_t rows = r.count(0);
  const std::size_t cols = r.count(0);
  OURO_CHECK(cols == 0 || rows <= (std::size_t{1} << 40) / cols, DataError, "checkpoint: a data set of {} x {}", rows,
             cols);
  Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  r.get_bytes(x.data(), rows * cols * sizeof(double));
  std::vector<Provenance> provenance(rows);
  for (Provenance& p : provenance) {
    p.generation = r.get<std::int32_t>();
    p.origin = static_cast<Origin>(r.get<std::uint8_t>());
    p.watermarked = r.get<std::uint8_t>() != 0;
  }
  return Dataset(std::move(x), std::move(provenance));
}

}  // namespace ouro::checkpoint_codec
