// read_array / write_npy without Python: round trips, hand-built .npy headers (versions, byte
// orders, bad shapes and dtypes, truncation) and CSV parsing rules with their error messages.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <numbers>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_text;

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Builds a .npy file by hand: magic, version, header length in the version's width, header, data.
std::string npy_bytes(int major, std::string header, std::string_view data) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  const std::size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t len = header.size();
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += header;
  out += data;
  return out;
}

template <typename T>
std::string raw(std::initializer_list<T> values, bool big_endian = false) {
  std::string out;
  for (T v : values) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    if (big_endian == (std::endian::native == std::endian::little)) std::reverse(bytes, bytes + sizeof(T));
    out.append(bytes, sizeof(T));
  }
  return out;
}

template <typename Error>
std::string error_of(const std::filesystem::path& path) {
  try {
    read_array(path);
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no exception reading " << path;
  return {};
}

// ---------------------------------------------------------------------------------------- .npy --

TEST(Npy, RoundTripIsBitExact) {
  TempDir dir;
  Matrix x(3, 4);
  x << 0.1, -0.0, 1e-310, 1e308,  //
      std::numbers::pi, -2.5, 3, 4,  //
      5, 6, 7, std::nextafter(1.0, 2.0);
  write_npy(dir / "x.npy", x);
  const Matrix y = read_array(dir / "x.npy");
  ASSERT_EQ(y.rows(), 3);
  ASSERT_EQ(y.cols(), 4);
  EXPECT_EQ(std::memcmp(x.data(), y.data(), sizeof(double) * 12), 0);
  EXPECT_TRUE(std::signbit(y(0, 1)));
}

TEST(Npy, WrittenHeaderIsVersion1PaddedTo64Bytes) {
  TempDir dir;
  write_npy(dir / "x.npy", Matrix::Ones(7, 2));
  const std::string bytes = read_bytes(dir / "x.npy");
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 6), std::string("\x93NUMPY", 6));
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  const std::size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(bytes.size(), 10 + header_len + 7 * 2 * 8);
  const std::string header = bytes.substr(10, header_len);
  EXPECT_THAT(header, HasSubstr("'descr': '<f8'"));
  EXPECT_THAT(header, HasSubstr("'fortran_order': False"));
  EXPECT_THAT(header, HasSubstr("'shape': (7, 2)"));
  EXPECT_EQ(header.back(), '\n');
}

TEST(Npy, WriteLeavesNoTemporaryAndReplacesAnOldFile) {
  TempDir dir;
  write_npy(dir / "x.npy", Matrix::Zero(5, 5));
  write_npy(dir / "x.npy", Matrix::Ones(1, 2));
  EXPECT_EQ(read_array(dir / "x.npy"), Matrix::Ones(1, 2));
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(Npy, WriteIntoAMissingFolderIsAnIoErrorNamingThePath) {
  TempDir dir;
  try {
    write_npy(dir / "no-such-folder/x.npy", Matrix::Ones(1, 1));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-such-folder/x.npy"));
  }
}

TEST(Npy, ReadsVersions2And3AndAnyKeyOrder) {
  TempDir dir;
  const std::string data = raw<double>({1, 2, 3, 4, 5, 6});
  write_text(dir / "v2.npy", npy_bytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data));
  write_text(dir / "v3.npy", npy_bytes(3, "{\"shape\": (3, 2), 'fortran_order':False,'descr':'<f8'}", data));
  const Matrix a = read_array(dir / "v2.npy");
  ASSERT_EQ(a.rows(), 2);
  ASSERT_EQ(a.cols(), 3);
  EXPECT_EQ(a(1, 0), 4);
  const Matrix b = read_array(dir / "v3.npy");
  ASSERT_EQ(b.rows(), 3);
  ASSERT_EQ(b.cols(), 2);
  EXPECT_EQ(b(1, 0), 3);
}

TEST(Npy, ReadsBothByteOrdersAndIntegerTypes) {
  TempDir dir;
  write_text(dir / "be8.npy", npy_bytes(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                                        raw<double>({1.25, -7.5}, true)));
  write_text(dir / "be4.npy", npy_bytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }",
                                        raw<float>({0.1f, 3.0f}, true)));
  write_text(dir / "le4.npy", npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                        raw<float>({0.1f, 3.0f})));
  write_text(dir / "i8.npy", npy_bytes(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                                       raw<std::int64_t>({-3, (std::int64_t{1} << 40) + 1, 0})));
  write_text(dir / "bi4.npy", npy_bytes(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }",
                                        raw<std::int32_t>({-70000, 12}, true)));
  write_text(dir / "u1.npy", npy_bytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                                       raw<std::uint8_t>({255, 7})));
  const Matrix be8 = read_array(dir / "be8.npy");
  ASSERT_EQ(be8.rows(), 2);
  ASSERT_EQ(be8.cols(), 1);
  EXPECT_EQ(be8(0, 0), 1.25);
  EXPECT_EQ(be8(1, 0), -7.5);
  EXPECT_EQ(read_array(dir / "be4.npy")(0, 0), static_cast<double>(0.1f));
  EXPECT_EQ(read_array(dir / "le4.npy")(0, 0), static_cast<double>(0.1f));
  EXPECT_EQ(read_array(dir / "le4.npy")(0, 1), 3.0);
  const Matrix i8 = read_array(dir / "i8.npy");
  EXPECT_EQ(i8(0, 0), -3);
  EXPECT_EQ(i8(1, 0), 1099511627777.0);
  EXPECT_EQ(read_array(dir / "bi4.npy")(0, 0), -70000);
  EXPECT_EQ(read_array(dir / "u1.npy")(0, 0), 255);
}

TEST(Npy, FortranOrderIsRejected) {
  TempDir dir;
  write_text(dir / "f.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }",
                                      raw<double>({1, 2, 3, 4})));
  const std::string message = error_of<IoError>(dir / "f.npy");
  EXPECT_THAT(message, HasSubstr("f.npy"));
  EXPECT_THAT(message, HasSubstr("C order required"));
}

TEST(Npy, UnsupportedDtypeIsNamed) {
  TempDir dir;
  write_text(dir / "c.npy", npy_bytes(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                                      std::string(16, '\0')));
  write_text(dir / "h.npy", npy_bytes(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }",
                                      std::string(2, '\0')));
  write_text(dir / "s.npy", npy_bytes(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
                                      std::string(8, '\0')));
  EXPECT_THAT(error_of<IoError>(dir / "c.npy"), HasSubstr("unsupported dtype <c16"));
  EXPECT_THAT(error_of<IoError>(dir / "h.npy"), HasSubstr("unsupported dtype <f2"));
  EXPECT_THAT(error_of<IoError>(dir / "s.npy"), HasSubstr("unsupported dtype [('a', '<f8')]"));
}

TEST(Npy, ShapesOtherThanOneOrTwoDimensionsAreRejected) {
  TempDir dir;
  write_text(dir / "3d.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }",
                                       raw<double>({1, 2})));
  write_text(dir / "0d.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                                       raw<double>({1})));
  EXPECT_THAT(error_of<IoError>(dir / "3d.npy"), HasSubstr("shape (1, 1, 2) is not supported"));
  EXPECT_THAT(error_of<IoError>(dir / "0d.npy"), HasSubstr("shape () is not supported"));
}

TEST(Npy, NoRowsIsADataError) {
  TempDir dir;
  write_text(dir / "empty.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""));
  const std::string message = error_of<DataError>(dir / "empty.npy");
  EXPECT_THAT(message, HasSubstr("empty.npy"));
  EXPECT_THAT(message, HasSubstr("no samples"));
}

TEST(Npy, TruncatedDataNamesExpectedAndActualBytes) {
  TempDir dir;
  write_npy(dir / "t.npy", Matrix::Ones(3, 2));
  const auto size = std::filesystem::file_size(dir / "t.npy");
  std::filesystem::resize_file(dir / "t.npy", size - 9);
  const std::string message = error_of<IoError>(dir / "t.npy");
  EXPECT_THAT(message, HasSubstr("t.npy"));
  EXPECT_THAT(message, HasSubstr("needs 48 data bytes, found 39"));
}

TEST(Npy, TruncatedHeaderAndBadMagicAndVersion) {
  TempDir dir;
  write_npy(dir / "h.npy", Matrix::Ones(3, 2));
  std::filesystem::resize_file(dir / "h.npy", 30);
  EXPECT_THAT(error_of<IoError>(dir / "h.npy"), HasSubstr("truncated"));
  write_text(dir / "m.npy", "PK\x03\x04 this is a zip file");
  EXPECT_THAT(error_of<IoError>(dir / "m.npy"), HasSubstr("not a .npy file"));
  std::string v4 = npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({1}));
  v4[6] = 4;
  write_text(dir / "v4.npy", v4);
  EXPECT_THAT(error_of<IoError>(dir / "v4.npy"), HasSubstr("version 4.0"));
}

// Found by hand beside fuzz_npy (fuzz/corpus/fuzz_npy/deeply_nested_header.npy is a small one; a
// header of a million '[' overflowed the stack through the recursive literal parser).
TEST(Npy, DeeplyNestedHeaderIsRefusedNotRecursedInto) {
  TempDir dir;
  write_text(dir / "deep.npy", npy_bytes(2, "{'descr': " + std::string(1'000'000, '['), ""));
  EXPECT_THAT(error_of<IoError>(dir / "deep.npy"), HasSubstr("deep.npy: malformed .npy header at character 26: "
                                                             "sequences nested too deeply"));
  // Nesting as deep as real headers go (a structured dtype's list of tuples) is still read.
  write_text(dir / "nested.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), "
                                              "'extra': [('a', ('b', [1])), ()], }", raw<double>({1})));
  EXPECT_EQ(read_array(dir / "nested.npy").rows(), 1);
}

TEST(Npy, TrailingBytesAreRejected) {
  TempDir dir;
  write_text(dir / "x.npy", npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                      raw<double>({1, 2})));
  EXPECT_THAT(error_of<IoError>(dir / "x.npy"), HasSubstr("needs 8 data bytes, found 16"));
}

TEST(Npy, NonFiniteValuesNameRowAndColumn) {
  TempDir dir;
  Matrix x = Matrix::Zero(3, 2);
  x(2, 1) = std::numeric_limits<double>::quiet_NaN();
  write_npy(dir / "nan.npy", x);
  EXPECT_THAT(error_of<DataError>(dir / "nan.npy"), HasSubstr("nan.npy: row 2, column 1 (counting from 0) is NaN"));
  x(2, 1) = 0;
  x(1, 0) = -std::numeric_limits<double>::infinity();
  write_npy(dir / "inf.npy", x);
  EXPECT_THAT(error_of<DataError>(dir / "inf.npy"), HasSubstr("row 1, column 0 (counting from 0) is -inf"));
}

// ----------------------------------------------------------------------------------------- CSV --

TEST(Csv, WithoutHeader) {
  TempDir dir;
  write_text(dir / "a.csv", "1,2.5\n-3e2, +4\n");
  const Matrix x = read_array(dir / "a.csv");
  ASSERT_EQ(x.rows(), 2);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_EQ(x(0, 1), 2.5);
  EXPECT_EQ(x(1, 0), -300);
  EXPECT_EQ(x(1, 1), 4);
}

TEST(Csv, HeaderBlankLinesAndCrlf) {
  TempDir dir;
  write_text(dir / "a.csv", "\xEF\xBB\xBFx,y\r\n\r\n0.1,2\r\n   \r\n3,4\r\n\n");
  const Matrix x = read_array(dir / "a.csv");
  ASSERT_EQ(x.rows(), 2);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_EQ(x(0, 0), 0.1);  // from_chars is correctly rounded
  EXPECT_EQ(x(1, 1), 4);
}

TEST(Csv, SingleColumnWithoutTrailingNewline) {
  TempDir dir;
  write_text(dir / "a.csv", "value\n1\n2\n3");
  const Matrix x = read_array(dir / "a.csv");
  ASSERT_EQ(x.rows(), 3);
  ASSERT_EQ(x.cols(), 1);
  EXPECT_EQ(x(2, 0), 3);
}

TEST(Csv, RaggedRowsNameFileLineAndCounts) {
  TempDir dir;
  write_text(dir / "r.csv", "a,b\n1,2\n\n3,4,5\n");
  const std::string message = error_of<DataError>(dir / "r.csv");
  EXPECT_THAT(message, HasSubstr("r.csv:4: ragged rows: 3 columns, but line 2 has 2"));
}

TEST(Csv, BadTokenNamesLineColumnAndText) {
  TempDir dir;
  write_text(dir / "b.csv", "1,2\n3, 4x\n");
  EXPECT_THAT(error_of<DataError>(dir / "b.csv"), HasSubstr("b.csv:2:4: '4x' is not a number (column 1 of 2, counting from 0)"));
  write_text(dir / "e.csv", "1,2\n3,\n");
  EXPECT_THAT(error_of<DataError>(dir / "e.csv"), HasSubstr("e.csv:2:3: '' is not a number"));
  write_text(dir / "quoted.csv", "1,5\n\"1.5\",2\n");  // quoted fields are not supported
  EXPECT_THAT(error_of<DataError>(dir / "quoted.csv"), HasSubstr("quoted.csv:2:1: '\"1.5\"' is not a number"));
}

TEST(Csv, NonFiniteValuesAreRejected) {
  TempDir dir;
  write_text(dir / "n.csv", "x,y\n1,2\n3,nan\n");
  EXPECT_THAT(error_of<DataError>(dir / "n.csv"), HasSubstr("n.csv:3:3: 'nan' (column 1 'y' of 2, counting from 0) is not finite"));
  write_text(dir / "i.csv", "-inf,2\n");  // a first line of numbers is data, even when not finite
  EXPECT_THAT(error_of<DataError>(dir / "i.csv"), HasSubstr("i.csv:1:1: '-inf'"));
  write_text(dir / "o.csv", "1\n1e999\n");  // out of range for a double
  EXPECT_THAT(error_of<DataError>(dir / "o.csv"), HasSubstr("'1e999' is not a number"));
}

TEST(Csv, EmptyFileOrHeaderOnlyHasNoSamples) {
  TempDir dir;
  write_text(dir / "empty.csv", "");
  EXPECT_THAT(error_of<DataError>(dir / "empty.csv"), HasSubstr("empty.csv: no samples"));
  write_text(dir / "blank.csv", "\n  \n");
  EXPECT_THAT(error_of<DataError>(dir / "blank.csv"), HasSubstr("no samples"));
  write_text(dir / "header.csv", "x,y\n");
  EXPECT_THAT(error_of<DataError>(dir / "header.csv"), HasSubstr("line 1 was read as a header"));
}

TEST(Csv, OldFaithfulHasAHeaderAndARowNameColumn) {
  const Matrix x = read_array(std::filesystem::path(OURO_SHARED_DATA) / "old-faithful/faithful.csv");
  ASSERT_EQ(x.rows(), 272);
  ASSERT_EQ(x.cols(), 3);  // rownames, eruptions, waiting: the reader keeps every column
  EXPECT_EQ(x(0, 0), 1);
  EXPECT_EQ(x(0, 1), 3.6);
  EXPECT_EQ(x(0, 2), 79);
  EXPECT_EQ(x(271, 0), 272);
}

// ---------------------------------------------------------------------------------- dispatch --

TEST(ReadArray, MissingFileAndUnknownExtension) {
  TempDir dir;
  EXPECT_THAT(error_of<IoError>(dir / "absent.npy"), HasSubstr("absent.npy: no such file"));
  write_text(dir / "x.txt", "1\n");
  EXPECT_THAT(error_of<IoError>(dir / "x.txt"), HasSubstr("unsupported file type '.txt'"));
  EXPECT_THAT(error_of<IoError>(dir.path()), HasSubstr("is a folder"));
  write_text(dir / "upper.CSV", "1\n2\n");
  EXPECT_EQ(read_array(dir / "upper.CSV").rows(), 2);
}

}  // namespace
}  // namespace ouro
