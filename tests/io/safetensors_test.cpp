// safetensors reader and writer: a written file reads back bit for bit (names, shapes, metadata,
// values), half-precision widening on hand-checked bit patterns, and every kind of corrupt file
// refused with a message naming the file and the tensor at fault.
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/safetensors.hpp"

namespace ouro {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::TempDir;

// A file of `header` (its length written as `length`, by default the true one) and `buffer` bytes.
std::string file_bytes(const std::string& header, std::size_t buffer_bytes, std::uint64_t length = ~std::uint64_t{0}) {
  if (length == ~std::uint64_t{0}) length = header.size();
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(length >> (8 * i)));
  return out + header + std::string(buffer_bytes, '\0');
}

TEST(Safetensors, RoundTripKeepsNamesShapesValuesAndMetadata) {
  TempDir dir;
  const std::vector<NamedTensor> tensors = {
      {"wte.weight", {3, 2}, {0.5f, -1.0f, 3.25f, 1e-30f, -0.0f, std::numeric_limits<float>::infinity()}},
      {"h.0.ln_1.bias", {4}, {1, 2, 3, 4}},
      {"scalar", {}, {7.0f}},
      {"empty", {0, 5}, {}}};
  write_safetensors(dir / "m.safetensors", tensors, {{"format", "pt"}, {"note", "tiny"}});
  const auto file = SafetensorsFile::open(dir / "m.safetensors");
  EXPECT_EQ(file.names(), (std::vector<std::string>{"empty", "h.0.ln_1.bias", "scalar", "wte.weight"}));
  EXPECT_EQ(file.metadata(), (std::map<std::string, std::string>{{"format", "pt"}, {"note", "tiny"}}));
  for (const auto& t : tensors) {
    ASSERT_TRUE(file.contains(t.name));
    const auto& info = file.tensor(t.name);
    EXPECT_EQ(info.dtype, "F32");
    EXPECT_EQ(info.shape, t.shape);
    EXPECT_EQ(info.end - info.begin, 4 * t.values.size());
    const auto values = file.to_float(t.name);
    ASSERT_EQ(values.size(), t.values.size()) << t.name;
    for (std::size_t i = 0; i < values.size(); ++i)
      EXPECT_EQ(std::bit_cast<std::uint32_t>(values[i]), std::bit_cast<std::uint32_t>(t.values[i])) << t.name << i;
  }
  // The buffer starts 8-byte aligned, as the reference writer pads it.
  const std::string raw = [&] {
    std::ifstream in(dir / "m.safetensors", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(raw[i]);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(raw.size(), 8 + n + 4 * 11);
}

TEST(Safetensors, WriterRefusesBadTensors) {
  TempDir dir;
  EXPECT_THAT([&] { write_safetensors(dir / "a", {{"w", {2, 2}, {1, 2, 3}}}); },
              ::testing::ThrowsMessage<DataError>(AllOf(HasSubstr("'w'"), HasSubstr("3 values"))));
  EXPECT_THAT([&] { write_safetensors(dir / "a", {{"w", {1}, {1}}, {"w", {1}, {2}}}); },
              ::testing::ThrowsMessage<DataError>(HasSubstr("'w' is repeated")));
  EXPECT_FALSE(std::filesystem::exists(dir / "a"));
}

TEST(Safetensors, HalfAndBfloat16WidenExactly) {
  EXPECT_EQ(half_to_float(0x3C00), 1.0f);
  EXPECT_EQ(half_to_float(0xC000), -2.0f);
  EXPECT_EQ(half_to_float(0x7BFF), 65504.0f);            // largest half
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(half_to_float(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(half_to_float(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(half_to_float(0x7E00)));
  EXPECT_TRUE(std::signbit(half_to_float(0x8000)));
  EXPECT_EQ(half_to_float(0x3555), 0.25f * (1.0f + 0x155 / 1024.0f));  // 2^(13-15) x 1.0101010101b
  EXPECT_EQ(bfloat16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16_to_float(0xC0A0), -5.0f);
  EXPECT_EQ(bfloat16_to_float(0x0001), std::bit_cast<float>(0x00010000u));
}

TEST(Safetensors, HalfTensorsConvertAndOtherDtypesAreListedButRefused) {
  TempDir dir;
  // F16 [1, -2], BF16 [1, -5], I32 [7]
  const std::string header =
      R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},)"
      R"("i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}})";
  std::string bytes = file_bytes(header, 0);
  for (const int b : {0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0xA0, 0xC0, 7, 0, 0, 0}) bytes.push_back(static_cast<char>(b));
  testing::write_text(dir / "x.safetensors", bytes);
  const auto file = SafetensorsFile::open(dir / "x.safetensors");
  EXPECT_EQ(file.to_float("h"), (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(file.to_float("b"), (std::vector<float>{1.0f, -5.0f}));
  EXPECT_EQ(file.tensor("i").dtype, "I32");
  EXPECT_EQ(file.bytes("i"), std::string("\x07\0\0\0", 4));
  EXPECT_THAT([&] { (void)file.to_float("i"); },
              ::testing::ThrowsMessage<DataError>(AllOf(HasSubstr("x.safetensors"), HasSubstr("'i'"), HasSubstr("I32"))));
}

TEST(Safetensors, AbsentTensorListsNamesPresent) {
  TempDir dir;
  write_safetensors(dir / "m.safetensors", {{"wte.weight", {1}, {1}}, {"wpe.weight", {1}, {2}}});
  const auto file = SafetensorsFile::open(dir / "m.safetensors");
  EXPECT_THAT([&] { (void)file.to_float("lm_head.weight"); },
              ::testing::ThrowsMessage<DataError>(AllOf(HasSubstr("m.safetensors"), HasSubstr("'lm_head.weight'"),
                                                        HasSubstr("wpe.weight, wte.weight (2 tensors)"))));
}

TEST(Safetensors, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THAT([&] { (void)SafetensorsFile::open(dir / "none.safetensors"); },
              ::testing::ThrowsMessage<IoError>(HasSubstr("none.safetensors")));
}

struct Corrupt {
  const char* label;
  std::string bytes;
  std::vector<std::string> message;  // substrings
};

TEST(Safetensors, CorruptFilesAreRefusedNamingFileAndTensor) {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::vector<Corrupt> cases = {
      {"short", std::string("\x01\0\0", 3), {"3 bytes, too short"}},
      {"past end", file_bytes(ok, 8, ok.size() + 9), {"runs past the end"}},
      {"absurd", file_bytes(ok, 8, 200'000'000), {"header length 200000000", "100 MB"}},
      {"json", file_bytes(R"({"a":{"dtype":)", 8), {"not valid JSON"}},
      {"not object", file_bytes("[1, 2]", 8), {"JSON array, expected an object"}},
      {"entry", file_bytes(R"({"a":3})", 8), {"tensor 'a' is a JSON number"}},
      {"no dtype", file_bytes(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", 8), {"tensor 'a' has no dtype"}},
      {"no shape", file_bytes(R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", 8), {"tensor 'a' has no shape"}},
      {"no offsets", file_bytes(R"({"a":{"dtype":"F32","shape":[2]}})", 8), {"tensor 'a' has no data_offsets"}},
      {"dtype", file_bytes(R"({"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})", 8), {"'a' has unknown dtype 'F31'"}},
      {"shape", file_bytes(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8), {"'a'", "shape holds -2"}},
      {"offsets", file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", 8), {"'a'", "[begin, end]"}},
      {"outside", file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 8),
       {"'a'", "[4, 12] lie outside the 8-byte buffer"}},
      {"reversed", file_bytes(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", 8), {"'a'", "[8, 4]"}},
      {"size", file_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 12),
       {"'a'", "span 8 bytes but shape [3] of F32 needs 12"}},
      {"overlap",
       file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[6,10]}})",
                  12),
       {"'a' [0, 8] and 'b' [6, 10] overlap"}},
      {"overflow", file_bytes(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8),
       {"'a'", "overflows"}},
      {"metadata", file_bytes(R"({"__metadata__":{"k":1}})", 0), {"__metadata__ 'k' holds 1"}},
  };
  TempDir dir;
  for (const auto& c : cases) {
    const auto path = dir / "bad.safetensors";
    testing::write_text(path, c.bytes);
    try {
      (void)SafetensorsFile::open(path);
      ADD_FAILURE() << c.label << ": accepted";
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("bad.safetensors")) << c.label;
      for (const auto& m : c.message) EXPECT_THAT(e.what(), HasSubstr(m)) << c.label;
    }
  }
}

}  // namespace
}  // namespace ouro
