// safetensors interoperability, with NumPy as the independent reference (label: python): a file that
// a Python script builds byte by byte after the format's description (there is no Debian package of
// the safetensors library) reads back with the values NumPy holds, F16 and BF16 widened as NumPy
// widens them; and a file from write_safetensors parses in that script to the values written.
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/safetensors.hpp"

namespace ouro {
namespace {

using testing::TempDir;

std::vector<float> raw_floats(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

constexpr const char* kScript = R"(
import json, struct, sys
import numpy as np
d = sys.argv[1]

def write(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': list(shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header['__metadata__'] = metadata
    text = json.dumps(header).encode()
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)

rng = np.random.default_rng(7)
f32 = rng.standard_normal((3, 5)).astype(np.float32)
f16 = np.concatenate([rng.standard_normal(40) * 10.0, [0.0, -0.0, 65504.0, -65504.0, 6e-8, 1e-5, -3e-6, np.inf, -np.inf]]).astype(np.float16)
# bfloat16: the top 16 bits of float32 (NumPy has no bfloat16; torch truncates or rounds to these).
src = (rng.standard_normal(30) * 1e3).astype(np.float32)
src = np.concatenate([src, np.array([1e-40, -np.inf, 3.0e38], dtype=np.float32)])
bf16_bits = (src.view(np.uint32) >> 16).astype(np.uint16)
bf16 = (bf16_bits.astype(np.uint32) << 16).view(np.float32)
# Unsorted names, no padding, a tensor placed before another in the buffer but after it in the header.
write(f'{d}/numpy.safetensors', {
    'z.weight': ('F32', f32.shape, f32.astype('<f4').tobytes()),
    'a.half': ('F16', (7, 7), f16.astype('<f2').tobytes()),
    'm.bf16': ('BF16', (len(src),), bf16_bits.astype('<u2').tobytes()),
    'ids': ('I64', (2,), np.array([5, -1], dtype='<i8').tobytes()),
}, {'format': 'pt', 'source': 'numpy'})
# Expected values as raw little-endian float32 (NumPy's own widening; .npy readers refuse inf).
f32.astype('<f4').tofile(f'{d}/f32.raw')
f16.astype('<f4').tofile(f'{d}/f16.raw')
bf16.astype('<f4').tofile(f'{d}/bf16.raw')

# The file the C++ side wrote: parse it here and check every value.
with open(f'{d}/ouro.safetensors', 'rb') as f:
    raw = f.read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
buf = raw[8 + n:]
assert header.pop('__metadata__') == {'writer': 'ouro'}, header
assert sorted(header) == ['bias', 'weight'], header
w = header['weight']
assert w['dtype'] == 'F32' and w['shape'] == [2, 3], w
got = np.frombuffer(buf[w['data_offsets'][0]:w['data_offsets'][1]], dtype='<f4').reshape(2, 3)
assert np.array_equal(got, np.array([[1.5, -2.0, 0.25], [1e-3, 7.0, -1e20]], dtype=np.float32)), got
b = header['bias']
assert b['shape'] == [3] and np.array_equal(np.frombuffer(buf[b['data_offsets'][0]:b['data_offsets'][1]], '<f4'), [4, 5, 6]), b
)";

TEST(SafetensorsNumpy, FilesInterchangeBothWays) {
  TempDir dir;
  write_safetensors(dir / "ouro.safetensors",
                    {{"weight", {2, 3}, {1.5f, -2.0f, 0.25f, 1e-3f, 7.0f, -1e20f}}, {"bias", {3}, {4, 5, 6}}},
                    {{"writer", "ouro"}});
  const auto script = dir / "script.py";
  std::ofstream(script) << kScript;
  ASSERT_EQ(std::system(fmt::format("'{}' '{}' '{}'", OURO_PYTHON, script.string(), dir.path().string()).c_str()), 0)
      << "the Python script failed (it checks the file written here, then writes its own)";

  const auto file = SafetensorsFile::open(dir / "numpy.safetensors");
  EXPECT_EQ(file.names(), (std::vector<std::string>{"a.half", "ids", "m.bf16", "z.weight"}));
  EXPECT_EQ(file.metadata(), (std::map<std::string, std::string>{{"format", "pt"}, {"source", "numpy"}}));
  EXPECT_EQ(file.tensor("a.half").shape, (std::vector<std::int64_t>{7, 7}));
  EXPECT_EQ(file.tensor("ids").dtype, "I64");
  const struct {
    const char* tensor;
    const char* expected;
  } pairs[] = {{"z.weight", "f32.raw"}, {"a.half", "f16.raw"}, {"m.bf16", "bf16.raw"}};
  for (const auto& p : pairs) {
    const auto values = file.to_float(p.tensor);
    const auto expected = raw_floats(dir / p.expected);
    ASSERT_EQ(values.size(), expected.size()) << p.tensor;
    for (std::size_t i = 0; i < values.size(); ++i)  // bit for bit (signed zeros, infinities, subnormals)
      EXPECT_EQ(std::bit_cast<std::uint32_t>(values[i]), std::bit_cast<std::uint32_t>(expected[i]))
          << p.tensor << "[" << i << "] = " << values[i] << ", NumPy " << expected[i];
  }
}

}  // namespace
}  // namespace ouro
