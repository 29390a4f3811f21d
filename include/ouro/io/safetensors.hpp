// safetensors: the checkpoint format of Hugging Face's hub (GPT-2's `model.safetensors`), read and
// written without torch.
//
// A file is an 8-byte little-endian u64 N, then N bytes of JSON header
//   {"<name>": {"dtype": "F32", "shape": [768, 2304], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"<key>": "<string>", ...}}          (the metadata entry is optional)
// then the byte buffer; each tensor's bytes are buffer[begin, end), row-major, little-endian.
//
// SafetensorsFile maps the file read-only (a 500 MB GPT-2 checkpoint is not copied) and validates
// the whole header when it opens, so every later call works on a file known to be consistent: every
// tensor has a known dtype, a shape, offsets inside the buffer whose length equals the shape's
// element count times the dtype's size, and no two tensors overlap. Any tensor of any dtype can be
// listed; to_float() converts F32, F16 and BF16 (GPT-2's own checkpoints are F32; half-precision
// exports are F16 or BF16). The file is immutable after open, so every method is const and safe to
// call from many threads.
//
// write_safetensors() writes float32 tensors in the same layout (through AtomicFile), header keys in
// name order, padded with spaces to a multiple of 8 bytes as the reference implementation does; tests
// use it to make small checkpoints in GPT-2's layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ouro {

// One tensor of a safetensors header. `dtype` is spelled as in the file ("F32", "F16", "BF16",
// "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", ...); `begin`/`end` are byte offsets into the
// buffer that follows the header.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;

  // Product of the shape (1 for a scalar, shape []).
  std::uint64_t elements() const;
};

class SafetensorsFile {
 public:
  // Maps and validates `path`. Throws IoError when it cannot be opened or mapped, DataError naming
  // the file (and the tensor, where one is at fault) when the header length runs past the end of the
  // file or exceeds 100 MB, the header is not a JSON object, a tensor lacks dtype/shape/data_offsets
  // or has an unknown dtype, its offsets leave the buffer or disagree with shape x dtype size, two
  // tensors overlap, or __metadata__ is not an object of strings.
  static SafetensorsFile open(const std::filesystem::path& path);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::filesystem::path& path() const;
  // Tensor names in name order.
  std::vector<std::string> names() const;
  bool contains(std::string_view name) const;
  // The tensor's header entry. Throws DataError naming the file and `name`, and listing a few names
  // the file holds, when it is absent.
  const SafetensorsTensor& tensor(std::string_view name) const;
  // The tensor's values as float, row-major as stored (F16 and BF16 widened exactly, F32 copied).
  // Throws DataError as tensor() does, and naming the dtype when it is not F32, F16 or BF16.
  std::vector<float> to_float(std::string_view name) const;
  // The tensor's bytes as stored.
  std::string_view bytes(std::string_view name) const;
  // The header's __metadata__ (empty when it has none).
  const std::map<std::string, std::string>& metadata() const;

 private:
  struct Impl;
  explicit SafetensorsFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A float32 tensor to write: values row-major, as many as the shape's product.
struct NamedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

// Writes `tensors` as F32 with `metadata` as __metadata__ (omitted when empty) through AtomicFile.
// Throws DataError naming the tensor when its value count disagrees with its shape or a name repeats
// (or is "__metadata__"), IoError when the file cannot be written.
void write_safetensors(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Bytes per element of a safetensors dtype, 0 for a dtype this reader does not know.
std::size_t safetensors_dtype_size(std::string_view dtype);

// IEEE half and bfloat16 bit patterns widened to float (exact: every value, subnormals, infinities
// and NaNs included).
float half_to_float(std::uint16_t bits);
float bfloat16_to_float(std::uint16_t bits);

}  // namespace ouro
