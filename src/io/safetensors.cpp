// safetensors reader and writer (see safetensors.hpp). The header is validated in full at open, the
// way the reference implementation (huggingface/safetensors, `SafeTensors::deserialize`) does, so a
// truncated download or a hand-edited header fails there, naming the file and the tensor, instead
// of as garbage weights later.
#include "ouro/io/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian values; this reader copies them as they are");

namespace {

// A header larger than this is not a checkpoint header (GPT-2 XL's is ~20 KB); the bound keeps a
// corrupt length from allocating gigabytes (the reference implementation uses the same 100 MB).
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

std::uint64_t read_u64_le(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// "a, b, c, ... (N tensors)": what a file holds, for the message of an absent tensor.
std::string some_names(const std::map<std::string, SafetensorsTensor, std::less<>>& tensors) {
  constexpr std::size_t kShown = 8;
  std::string out;
  std::size_t k = 0;
  for (const auto& [name, t] : tensors) {
    if (k == kShown) break;
    out += (k++ == 0 ? "" : ", ") + name;
  }
  if (tensors.empty()) return "no tensors";
  if (tensors.size() > kShown) out += ", ...";
  return fmt::format("{} ({} tensors)", out, tensors.size());
}

std::uint64_t non_negative(const nlohmann::json& v, const std::string& file, const std::string& name,
                           std::string_view field) {
  OURO_CHECK(v.is_number_integer() && (v.is_number_unsigned() || v.get<std::int64_t>() >= 0), DataError,
             "{}: tensor '{}': {} holds {}, expected non-negative integers", file, name, field, v.dump());
  return v.get<std::uint64_t>();
}

}  // namespace

std::uint64_t SafetensorsTensor::elements() const {
  std::uint64_t n = 1;
  for (const std::int64_t d : shape) n *= static_cast<std::uint64_t>(d);
  return n;
}

std::size_t safetensors_dtype_size(std::string_view dtype) {
  static constexpr std::pair<std::string_view, std::size_t> kSizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I64", 8}, {"I32", 4},
      {"I16", 2}, {"I8", 1},  {"U64", 8}, {"U32", 4},  {"U16", 2},     {"U8", 1},      {"BOOL", 1}};
  for (const auto& [name, size] : kSizes)
    if (name == dtype) return size;
  return 0;
}

float half_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
  std::uint32_t mantissa = bits & 0x3FFu;
  std::uint32_t out = 0;
  if (exponent == 0x1F) {
    out = sign | 0x7F800000u | (mantissa << 13);  // infinity, or NaN with its payload
  } else if (exponent != 0) {
    out = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 -> 127
  } else if (mantissa == 0) {
    out = sign;  // signed zero
  } else {
    // Subnormal half: normalise the mantissa into a float's implicit leading one.
    std::uint32_t e = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --e;
    }
    out = sign | (e << 23) | ((mantissa & 0x3FFu) << 13);
  }
  return std::bit_cast<float>(out);
}

float bfloat16_to_float(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

struct SafetensorsFile::Impl {
  std::filesystem::path path;
  std::string name;  // path as text, for messages
  const unsigned char* map = nullptr;
  std::size_t map_size = 0;
  const unsigned char* buffer = nullptr;  // start of the byte buffer after the header
  std::uint64_t buffer_size = 0;
  std::map<std::string, SafetensorsTensor, std::less<>> tensors;
  std::map<std::string, std::string> metadata;

  ~Impl() {
    if (map != nullptr) ::munmap(const_cast<unsigned char*>(map), map_size);
  }

  const SafetensorsTensor& find(std::string_view tensor) const {
    const auto it = tensors.find(tensor);
    OURO_CHECK(it != tensors.end(), DataError, "{}: no tensor '{}'; the file holds {}", name, tensor,
               some_names(tensors));
    return it->second;
  }

  void parse_header(std::string_view text);
};

void SafetensorsFile::Impl::parse_header(std::string_view text) {
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: the safetensors header is not valid JSON: {}", name, e.what()));
  }
  OURO_CHECK(header.is_object(), DataError, "{}: the safetensors header is a JSON {}, expected an object", name,
             header.type_name());
  for (const auto& [key, entry] : header.items()) {
    if (key == kMetadataKey) {
      OURO_CHECK(entry.is_object(), DataError, "{}: __metadata__ is a JSON {}, expected an object of strings",
                 name, entry.type_name());
      for (const auto& [k, v] : entry.items()) {
        OURO_CHECK(v.is_string(), DataError, "{}: __metadata__ '{}' holds {}, expected a string", name, k, v.dump());
        metadata.emplace(k, v.get<std::string>());
      }
      continue;
    }
    OURO_CHECK(entry.is_object(), DataError, "{}: tensor '{}' is a JSON {}, expected an object", name, key,
               entry.type_name());
    for (const char* field : {"dtype", "shape", "data_offsets"})
      OURO_CHECK(entry.contains(field), DataError, "{}: tensor '{}' has no {}", name, key, field);
    SafetensorsTensor t;
    t.name = key;
    const auto& dtype = entry["dtype"];
    OURO_CHECK(dtype.is_string(), DataError, "{}: tensor '{}': dtype holds {}, expected a string", name, key,
               dtype.dump());
    t.dtype = dtype.get<std::string>();
    const std::size_t size = safetensors_dtype_size(t.dtype);
    OURO_CHECK(size != 0, DataError, "{}: tensor '{}' has unknown dtype '{}'", name, key, t.dtype);
    const auto& shape = entry["shape"];
    OURO_CHECK(shape.is_array(), DataError, "{}: tensor '{}': shape holds {}, expected an array", name, key,
               shape.dump());
    std::uint64_t bytes = size;
    for (const auto& d : shape) {
      const std::uint64_t dim = non_negative(d, this->name, key, "shape");
      OURO_CHECK(dim <= static_cast<std::uint64_t>(INT64_MAX) && !__builtin_mul_overflow(bytes, dim, &bytes),
                 DataError, "{}: tensor '{}': shape {} overflows 64 bits", name, key, shape.dump());
      t.shape.push_back(static_cast<std::int64_t>(dim));
    }
    const auto& offsets = entry["data_offsets"];
    OURO_CHECK(offsets.is_array() && offsets.size() == 2, DataError,
               "{}: tensor '{}': data_offsets holds {}, expected [begin, end]", name, key, offsets.dump());
    t.begin = non_negative(offsets[0], this->name, key, "data_offsets");
    t.end = non_negative(offsets[1], this->name, key, "data_offsets");
    OURO_CHECK(t.begin <= t.end && t.end <= buffer_size, DataError,
               "{}: tensor '{}': data_offsets [{}, {}] lie outside the {}-byte buffer", name, key, t.begin, t.end,
               buffer_size);
    OURO_CHECK(t.end - t.begin == bytes, DataError,
               "{}: tensor '{}': data_offsets [{}, {}] span {} bytes but shape {} of {} needs {}", name, key, t.begin,
               t.end, t.end - t.begin, shape.dump(), t.dtype, bytes);
    tensors.emplace(key, std::move(t));
  }
  // Overlap: in offset order each tensor must start at or after the previous one's end.
  std::vector<const SafetensorsTensor*> order;
  for (const auto& [k, t] : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return std::tie(a->begin, a->end) < std::tie(b->begin, b->end);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    const auto& a = *order[i - 1];
    const auto& b = *order[i];
    // Empty tensors occupy no bytes and overlap nothing.
    if (a.begin == a.end || b.begin == b.end) continue;
    OURO_CHECK(b.begin >= a.end, DataError, "{}: tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", name, a.name,
               a.begin, a.end, b.name, b.begin, b.end);
  }
}

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->name = path.string();
  const std::string& name = impl->name;
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  OURO_CHECK(fd >= 0, IoError, "{}: cannot open: {}", name, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    throw IoError(fmt::format("{}: not a readable regular file{}", name, err != 0 ? fmt::format(": {}", std::strerror(err)) : ""));
  }
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    throw DataError(fmt::format("{}: {} bytes, too short for a safetensors file (8-byte header length first)", name,
                                file_size));
  }
  void* map = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);
  OURO_CHECK(map != MAP_FAILED, IoError, "{}: cannot map: {}", name, std::strerror(map_errno));
  impl->map = static_cast<const unsigned char*>(map);
  impl->map_size = file_size;

  const std::uint64_t header_size = read_u64_le(impl->map);
  OURO_CHECK(header_size <= kMaxHeaderBytes, DataError,
             "{}: header length {} bytes exceeds the 100 MB a safetensors header may have (not a safetensors file, or "
             "a corrupt one)",
             name, header_size);
  OURO_CHECK(header_size <= file_size - 8, DataError,
             "{}: header length {} bytes runs past the end of the {}-byte file (truncated?)", name, header_size,
             file_size);
  impl->buffer = impl->map + 8 + header_size;
  impl->buffer_size = file_size - 8 - header_size;
  impl->parse_header(std::string_view(reinterpret_cast<const char*>(impl->map + 8), header_size));
  return SafetensorsFile(std::move(impl));
}

const std::filesystem::path& SafetensorsFile::path() const { return impl_->path; }

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  out.reserve(impl_->tensors.size());
  for (const auto& [name, t] : impl_->tensors) out.push_back(name);
  return out;
}

bool SafetensorsFile::contains(std::string_view name) const { return impl_->tensors.find(name) != impl_->tensors.end(); }

const SafetensorsTensor& SafetensorsFile::tensor(std::string_view name) const { return impl_->find(name); }

std::string_view SafetensorsFile::bytes(std::string_view name) const {
  const auto& t = impl_->find(name);
  return {reinterpret_cast<const char*>(impl_->buffer + t.begin), static_cast<std::size_t>(t.end - t.begin)};
}

std::vector<float> SafetensorsFile::to_float(std::string_view name) const {
  const auto& t = impl_->find(name);
  const unsigned char* p = impl_->buffer + t.begin;
  const auto n = static_cast<std::size_t>(t.elements());
  std::vector<float> out(n);
  if (t.dtype == "F32") {
    if (n > 0) std::memcpy(out.data(), p, n * sizeof(float));
  } else if (t.dtype == "F16" || t.dtype == "BF16") {
    const bool half = t.dtype == "F16";
    for (std::size_t i = 0; i < n; ++i) {
      const auto bits = static_cast<std::uint16_t>(p[2 * i] | (p[2 * i + 1] << 8));
      out[i] = half ? half_to_float(bits) : bfloat16_to_float(bits);
    }
  } else {
    throw DataError(fmt::format("{}: tensor '{}' has dtype {}; only F32, F16 and BF16 convert to float",
                                impl_->name, name, t.dtype));
  }
  return out;
}

const std::map<std::string, std::string>& SafetensorsFile::metadata() const { return impl_->metadata; }

void write_safetensors(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const NamedTensor*> order;
  std::set<std::string_view> seen;
  for (const auto& t : tensors) {
    OURO_CHECK(t.name != kMetadataKey && seen.insert(t.name).second, DataError,
               "{}: tensor name '{}' is repeated or reserved", path.string(), t.name);
    std::uint64_t n = 1;
    for (const std::int64_t d : t.shape) {
      OURO_CHECK(d >= 0, DataError, "{}: tensor '{}' has a negative dimension {}", path.string(), t.name, d);
      n *= static_cast<std::uint64_t>(d);
    }
    OURO_CHECK(n == t.values.size(), DataError, "{}: tensor '{}' has {} values but its shape holds {}",
               path.string(), t.name, t.values.size(), n);
    order.push_back(&t);
  }
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  nlohmann::json header = nlohmann::json::object();
  std::uint64_t offset = 0;
  for (const auto* t : order) {
    const std::uint64_t bytes = t->values.size() * sizeof(float);
    header[t->name] = {{"dtype", "F32"}, {"shape", t->shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the buffer starts 8-byte aligned
  AtomicFile file(path);
  std::ostream& out = file.stream();
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(text.size()) >> (8 * i));
  out.write(reinterpret_cast<const char*>(length), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto* t : order)
    out.write(reinterpret_cast<const char*>(t->values.data()),
              static_cast<std::streamsize>(t->values.size() * sizeof(float)));
  file.commit();
}

}  // namespace ouro
