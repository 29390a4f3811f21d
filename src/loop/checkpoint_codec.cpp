// Encodings shared by the checkpoint files: see checkpoint_codec.hpp.
#include "checkpoint_codec.hpp"

namespace ouro::checkpoint_codec {

void expect_magic(std::string_view bytes, std::string_view magic, std::string_view what,
                  const std::filesystem::path& path, std::string_view remedy) {
  if (bytes.starts_with(magic)) return;
  const std::string_view family = magic.substr(0, magic.size() - 1);
  if (bytes.size() >= magic.size() && bytes.starts_with(family)) {
    throw DataError(fmt::format("{}: {} of format {}; this ouro reads format {}; {}", path.string(), what,
                                bytes.substr(family.size(), 1), magic.substr(family.size()), remedy));
  }
  throw DataError(fmt::format("{}: not an ouro {} (its first bytes are not {}); {}", path.string(), what, magic,
                              remedy));
}

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
  w.put<std::uint64_t>(result.side_files.size());
  for (const SideFile& file : result.side_files) {
    put_string(w, file.name);
    put_string(w, file.bytes);
  }
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
  result.side_files.resize(r.count(16));
  for (SideFile& file : result.side_files) {
    file.name = get_string(r);
    file.bytes = get_string(r);
  }
  result.filter_counts.resize(r.count(16));
  for (FilterCounts& counts : result.filter_counts) {
    counts.drawn = r.get<std::uint64_t>();
    counts.rejected = r.get<std::uint64_t>();
  }
}

namespace {

// Builds a value whose constructor checks it (Samples, Dataset): its DataError cannot know the
// file, so the file is named here.
template <typename Build>
auto naming_file(const Reader& r, Build&& build) {
  try {
    return build();
  } catch (const DataError& e) {
    throw DataError(fmt::format("{}: checkpoint file is corrupt: {}", r.path().string(), e.what()));
  }
}

// Samples at their natural width: a kind byte, then real rows as doubles, images as 8-bit levels
// with their shape and range and their labels (a count, 0 when unlabelled, and int32 labels), or
// token sequences as int32 ids with their lengths.
void put_samples(Writer& w, const Samples& samples) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(samples.storage()));
  switch (samples.storage()) {
    case SampleStorage::kReal: {
      const Matrix& x = samples.real();
      w.put<std::uint64_t>(static_cast<std::uint64_t>(x.rows()));
      w.put<std::uint64_t>(static_cast<std::uint64_t>(x.cols()));
      w.put_bytes(x.data(), static_cast<std::size_t>(x.size()) * sizeof(double));
      break;
    }
    case SampleStorage::kImage: {
      const ImageShape& shape = samples.image_shape();
      w.put<std::uint32_t>(shape.channels);
      w.put<std::uint32_t>(shape.height);
      w.put<std::uint32_t>(shape.width);
      w.put<float>(shape.low);
      w.put<float>(shape.high);
      w.put<std::uint64_t>(samples.levels().size());
      w.put_bytes(samples.levels().data(), samples.levels().size());
      w.put<std::uint64_t>(samples.labels().size());
      w.put_bytes(samples.labels().data(), samples.labels().size() * sizeof(std::int32_t));
      break;
    }
    case SampleStorage::kTokens: {
      w.put<std::uint64_t>(static_cast<std::uint64_t>(samples.size()));
      for (Eigen::Index i = 0; i < samples.size(); ++i) w.put<std::uint64_t>(samples.tokens(i).size());
      w.put<std::uint64_t>(samples.all_tokens().size());
      w.put_bytes(samples.all_tokens().data(), samples.all_tokens().size() * sizeof(std::int32_t));
      break;
    }
  }
}

Samples get_samples(Reader& r) {
  const auto storage = r.get<std::uint8_t>();
  switch (static_cast<SampleStorage>(storage)) {
    case SampleStorage::kReal: {
      const std::size_t rows = r.count(0);
      const std::size_t cols = r.count(0);
      OURO_CHECK(cols == 0 || rows <= r.left() / sizeof(double) / cols, DataError,
                 "{}: checkpoint file is corrupt: a data set of {} x {} runs past the end", r.path().string(), rows,
                 cols);
      Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
      r.get_bytes(x.data(), rows * cols * sizeof(double));
      return Samples(std::move(x));
    }
    case SampleStorage::kImage: {
      ImageShape shape;
      shape.channels = r.get<std::uint32_t>();
      shape.height = r.get<std::uint32_t>();
      shape.width = r.get<std::uint32_t>();
      shape.low = r.get<float>();
      shape.high = r.get<float>();
      std::vector<std::uint8_t> levels(r.count(1));
      r.get_bytes(levels.data(), levels.size());
      std::vector<std::int32_t> labels(r.count(sizeof(std::int32_t)));
      r.get_bytes(labels.data(), labels.size() * sizeof(std::int32_t));
      if (labels.empty()) return naming_file(r, [&] { return Samples(shape, std::move(levels)); });
      return naming_file(r, [&] { return Samples(shape, std::move(levels), std::move(labels)); });
    }
    case SampleStorage::kTokens: {
      std::vector<std::size_t> offsets(r.count(sizeof(std::uint64_t)) + 1, 0);
      for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] = offsets[i - 1] + r.count(0);
      std::vector<std::int32_t> ids(r.count(sizeof(std::int32_t)));
      r.get_bytes(ids.data(), ids.size() * sizeof(std::int32_t));
      return naming_file(r, [&] { return Samples(std::move(ids), std::move(offsets)); });
    }
  }
  throw DataError(fmt::format("{}: checkpoint file is corrupt: unknown kind of samples {}", r.path().string(), storage));
}

}  // namespace

void put_dataset(Writer& w, const Dataset& d) {
  put_samples(w, d.samples());
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
  Samples samples = get_samples(r);
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
  return naming_file(r, [&] { return Dataset(std::move(samples), std::move(runs)); });
}

}  // namespace ouro::checkpoint_codec
