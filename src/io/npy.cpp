// NumPy .npy files: reading versions 1.0-3.0 (float and integer dtypes, either byte order, C order,
// one or two dimensions, or any number for read_npy_rows) and writing float64 version 1.0.
//
// Format (numpy.lib.format): the magic "\x93NUMPY", a major and minor version byte, the header
// length (2 bytes little-endian in 1.0, 4 bytes in 2.0/3.0), then a Python dict literal such as
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } padded with spaces and a newline,
// then the raw data. The header is parsed by a tiny literal parser rather than by searching for
// substrings, so that key order and spacing do not matter.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "array_formats.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
constexpr std::size_t kAlignment = 64;  // numpy pads the header so the data starts 64-byte aligned

// A value of the header's Python literal: only what .npy headers use.
struct Literal {
  enum class Kind { kString, kBoolean, kInteger, kSequence, kNone };
  Kind kind = Kind::kNone;
  std::string text;       // kString: the contents; every kind: the source text, for messages
  bool boolean = false;
  std::uint64_t integer = 0;
  std::vector<Literal> items;
};

class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::filesystem::path& path) : text_(text), path_(path) {}

  std::map<std::string, Literal> dict() {
    skip_space();
    expect('{');
    std::map<std::string, Literal> entries;
    while (true) {
      skip_space();
      if (peek() == '}') break;
      Literal key = value();
      if (key.kind != Literal::Kind::kString) fail("a dict key must be a string");
      skip_space();
      expect(':');
      entries[key.text] = value();
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    return entries;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }
  [[noreturn]] void fail(std::string_view what) const {
    throw IoError(fmt::format("{}: malformed .npy header at character {}: {} (header: {})", path_.string(), pos_,
                              what, text_));
  }

  Literal value() {
    skip_space();
    const std::size_t start = pos_;
    Literal v;
    const char c = peek();
    if (c == '\'' || c == '"') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != c) v.text += text_[pos_++];
      expect(c);
      v.kind = Literal::Kind::kString;
      return v;
    }
    if (c == '(' || c == '[') {
      const char close = c == '(' ? ')' : ']';
      // Real headers nest two deep (a structured dtype's list of tuples); the limit keeps a hostile
      // header from recursing until the stack overflows.
      if (depth_ == kMaxDepth) fail("sequences nested too deeply");
      ++depth_;
      ++pos_;
      v.kind = Literal::Kind::kSequence;
      while (true) {
        skip_space();
        if (peek() == close) break;
        v.items.push_back(value());
        skip_space();
        if (peek() == ',') {
          ++pos_;
        } else if (peek() != close) {
          fail(fmt::format("expected ',' or '{}'", close));
        }
      }
      ++pos_;
      --depth_;
    } else if (c >= '0' && c <= '9') {
      v.kind = Literal::Kind::kInteger;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::uint64_t>(peek() - '0');
        if (v.integer > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) fail("integer too large");
        v.integer = v.integer * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literals in files written by old NumPy
    } else if (text_.substr(pos_, 4) == "True") {
      v.kind = Literal::Kind::kBoolean;
      v.boolean = true;
      pos_ += 4;
    } else if (text_.substr(pos_, 5) == "False") {
      v.kind = Literal::Kind::kBoolean;
      pos_ += 5;
    } else if (text_.substr(pos_, 4) == "None") {
      pos_ += 4;
    } else {
      fail("unexpected character");
    }
    v.text = std::string(text_.substr(start, pos_ - start));
    return v;
  }

  static constexpr std::size_t kMaxDepth = 16;

  std::string_view text_;
  const std::filesystem::path& path_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
};

enum class ElementKind { kFloat, kSigned, kUnsigned };

struct DataType {
  ElementKind kind;
  std::size_t size;
  bool swap;  // the file's byte order differs from this machine's
};

// Parses a dtype string such as '<f8', '>i4' or '|u1'; nullopt when it is not a supported numeric
// type.
std::optional<DataType> parse_dtype(std::string_view descr) {
  if (descr.size() < 3) return std::nullopt;
  const char order = descr[0];
  bool little;
  switch (order) {
    case '<': little = true; break;
    case '>': little = false; break;
    case '=': little = std::endian::native == std::endian::little; break;
    case '|': little = std::endian::native == std::endian::little; break;  // only for 1-byte types
    default: return std::nullopt;
  }
  ElementKind kind;
  switch (descr[1]) {
    case 'f': kind = ElementKind::kFloat; break;
    case 'i': kind = ElementKind::kSigned; break;
    case 'u': kind = ElementKind::kUnsigned; break;
    default: return std::nullopt;
  }
  const std::string_view size_text = descr.substr(2);
  std::size_t size;
  if (size_text == "1") size = 1;
  else if (size_text == "2") size = 2;
  else if (size_text == "4") size = 4;
  else if (size_text == "8") size = 8;
  else return std::nullopt;
  if (kind == ElementKind::kFloat && size != 4 && size != 8) return std::nullopt;  // no float16
  if (order == '|' && size != 1) return std::nullopt;
  const bool swap = size > 1 && little != (std::endian::native == std::endian::little);
  return DataType{kind, size, swap};
}

template <typename T>
void convert(const unsigned char* src, std::size_t count, bool swap, double* dst) {
  unsigned char bytes[sizeof(T)];
  for (std::size_t i = 0; i < count; ++i, src += sizeof(T)) {
    std::memcpy(bytes, src, sizeof(T));
    if (swap) std::reverse(bytes, bytes + sizeof(T));
    T value;
    std::memcpy(&value, bytes, sizeof(T));
    dst[i] = static_cast<double>(value);
  }
}

void convert(const DataType& type, const unsigned char* src, std::size_t count, double* dst) {
  switch (type.kind) {
    case ElementKind::kFloat:
      if (type.size == 4) return convert<float>(src, count, type.swap, dst);
      return convert<double>(src, count, type.swap, dst);
    case ElementKind::kSigned:
      switch (type.size) {
        case 1: return convert<std::int8_t>(src, count, type.swap, dst);
        case 2: return convert<std::int16_t>(src, count, type.swap, dst);
        case 4: return convert<std::int32_t>(src, count, type.swap, dst);
        default: return convert<std::int64_t>(src, count, type.swap, dst);
      }
    case ElementKind::kUnsigned:
      switch (type.size) {
        case 1: return convert<std::uint8_t>(src, count, type.swap, dst);
        case 2: return convert<std::uint16_t>(src, count, type.swap, dst);
        case 4: return convert<std::uint32_t>(src, count, type.swap, dst);
        default: return convert<std::uint64_t>(src, count, type.swap, dst);
      }
  }
}

std::uint64_t little_endian(const unsigned char* bytes, std::size_t n) {
  std::uint64_t value = 0;
  for (std::size_t i = n; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

// The array as rows; `any_rank` admits more than two dimensions (the trailing ones flattened).
NpyRows read_npy_array(const std::filesystem::path& path, bool any_rank) {
  const std::string name = path.string();
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "{}: cannot open for reading: {}", name, std::strerror(errno));
  std::error_code error;
  const std::uintmax_t file_size = std::filesystem::file_size(path, error);
  OURO_CHECK(!error, IoError, "{}: cannot read its size: {}", name, error.message());

  unsigned char preamble[12];
  OURO_CHECK(file_size >= 10 && in.read(reinterpret_cast<char*>(preamble), 8), IoError,
             "{}: not a .npy file (only {} bytes)", name, file_size);
  OURO_CHECK(std::memcmp(preamble, kMagic, kMagicSize) == 0, IoError,
             "{}: not a .npy file (the magic string \\x93NUMPY is missing)", name);
  const unsigned major = preamble[6], minor = preamble[7];
  std::size_t length_bytes;
  if (major == 1) {
    length_bytes = 2;
  } else if (major == 2 || major == 3) {
    length_bytes = 4;
  } else {
    throw IoError(fmt::format("{}: unsupported .npy format version {}.{} (expected 1.0, 2.0 or 3.0)", name,
                              major, minor));
  }
  OURO_CHECK(in.read(reinterpret_cast<char*>(preamble + 8), static_cast<std::streamsize>(length_bytes)), IoError,
             "{}: truncated .npy file: the header length is missing", name);
  const std::uint64_t header_length = little_endian(preamble + 8, length_bytes);
  const std::uint64_t data_offset = 8 + length_bytes + header_length;
  OURO_CHECK(data_offset <= file_size, IoError,
             "{}: truncated .npy file: the header needs {} bytes but the file holds {}", name, data_offset,
             file_size);
  std::string header(header_length, '\0');
  OURO_CHECK(in.read(header.data(), static_cast<std::streamsize>(header_length)), IoError,
             "{}: cannot read the .npy header", name);
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ' || header.back() == '\0')) {
    header.pop_back();
  }

  const auto dict = HeaderParser(header, path).dict();
  const auto field = [&](const char* key) -> const Literal& {
    const auto it = dict.find(key);
    OURO_CHECK(it != dict.end(), IoError, "{}: the .npy header has no '{}' (header: {})", name, key, header);
    return it->second;
  };
  const Literal& descr = field("descr");
  const std::optional<DataType> type =
      descr.kind == Literal::Kind::kString ? parse_dtype(descr.text) : std::nullopt;
  OURO_CHECK(type, IoError,
             "{}: unsupported dtype {}; expected float32/float64 or an integer type (e.g. '<f8', '>f4', '<i8')",
             name, descr.text);
  const Literal& fortran = field("fortran_order");
  OURO_CHECK(fortran.kind == Literal::Kind::kBoolean, IoError, "{}: fortran_order is {}, expected True or False",
             name, fortran.text);
  OURO_CHECK(!fortran.boolean, IoError,
             "{}: the array is stored in Fortran order; C order required (save np.ascontiguousarray(x))", name);
  const Literal& shape = field("shape");
  OURO_CHECK(shape.kind == Literal::Kind::kSequence && !shape.items.empty() && (any_rank || shape.items.size() <= 2),
             IoError, "{}: shape {} is not supported; expected one dimension (n,) or two (n, d)", name, shape.text);
  for (const Literal& extent : shape.items) {
    OURO_CHECK(extent.kind == Literal::Kind::kInteger, IoError, "{}: malformed shape {}", name, shape.text);
  }
  constexpr auto kMaxIndex = static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max());
  const std::uint64_t rows = shape.items[0].integer;
  std::uint64_t cols = 1;
  for (std::size_t i = 1; i < shape.items.size(); ++i) {
    const std::uint64_t extent = shape.items[i].integer;
    OURO_CHECK(extent == 0 || cols <= kMaxIndex / extent, IoError, "{}: shape {} is too large", name, shape.text);
    cols *= extent;
  }
  OURO_CHECK(rows > 0, DataError, "{}: no samples (shape {})", name, shape.text);
  OURO_CHECK(cols > 0, DataError, "{}: no columns (shape {})", name, shape.text);
  OURO_CHECK(rows <= kMaxIndex / cols / 8, IoError, "{}: shape {} is too large", name, shape.text);

  const std::uint64_t count = rows * cols;
  const std::uint64_t expected = count * type->size;
  const std::uint64_t actual = file_size - data_offset;
  OURO_CHECK(actual >= expected, IoError,
             "{}: truncated .npy file: shape {} of {} needs {} data bytes, found {}", name, shape.text, descr.text,
             expected, actual);
  OURO_CHECK(actual == expected, IoError,
             "{}: {} unexpected bytes after the data: shape {} of {} needs {} data bytes, found {}", name,
             actual - expected, shape.text, descr.text, expected, actual);

  std::vector<unsigned char> raw(expected);
  OURO_CHECK(in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(expected)), IoError,
             "{}: read failed after {} of {} data bytes", name, in.gcount(), expected);
  Matrix x(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  convert(*type, raw.data(), count, x.data());
  if (type->kind == ElementKind::kFloat) detail::check_finite_array(x, path);
  NpyRows out;
  out.values = std::move(x);
  for (const Literal& extent : shape.items) out.shape.push_back(extent.integer);
  out.integer = type->kind != ElementKind::kFloat;
  return out;
}

}  // namespace

namespace detail {

Matrix read_npy(const std::filesystem::path& path) { return read_npy_array(path, false).values; }

}  // namespace detail

NpyRows read_npy_rows(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  OURO_CHECK(std::filesystem::exists(status), IoError, "{}: no such file", path.string());
  OURO_CHECK(!std::filesystem::is_directory(status), IoError, "{}: is a folder, expected a .npy file", path.string());
  return read_npy_array(path, true);
}

namespace {

// Writes a C-order .npy of `count` little-endian values of `width` bytes each, atomically.
void write_npy_values(const std::filesystem::path& path, std::string_view descr, std::string_view shape,
                      const void* data, std::size_t count, std::size_t width) {
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, shape);
  const std::size_t unpadded = kMagicSize + 4 + header.size() + 1;  // + the closing newline
  header.append((kAlignment - unpadded % kAlignment) % kAlignment, ' ');
  header += '\n';
  OURO_CHECK(header.size() <= 0xffff, IoError, "{}: .npy header too long", path.string());

  AtomicFile file(path);
  std::ostream& out = file.stream();
  out.write(kMagic, kMagicSize);
  const unsigned char preamble[4] = {1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                     static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(preamble), 4);
  out << header;
  const auto* bytes = static_cast<const char*>(data);
  if constexpr (std::endian::native == std::endian::little) {
    out.write(bytes, static_cast<std::streamsize>(count * width));
  } else {
    std::vector<char> value(width);
    for (std::size_t i = 0; i < count; ++i) {
      std::reverse_copy(bytes + i * width, bytes + (i + 1) * width, value.begin());
      out.write(value.data(), static_cast<std::streamsize>(width));
    }
  }
  file.commit();
}

}  // namespace

void write_npy(const std::filesystem::path& path, const Matrix& x) {
  write_npy_values(path, "<f8", fmt::format("({}, {})", x.rows(), x.cols()), x.data(),
                   static_cast<std::size_t>(x.size()), sizeof(double));
}

void write_npy(const std::filesystem::path& path, std::span<const float> values) {
  write_npy_values(path, "<f4", fmt::format("({},)", values.size()), values.data(), values.size(), sizeof(float));
}

}  // namespace ouro
