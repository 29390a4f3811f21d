// .npy interoperability with NumPy itself (label: python): files written by np.save in every
// supported flavour are read back exactly, the unsupported ones are refused with the right error,
// and files from write_npy load in np.load with the same values.
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "support/python.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::run_python;
using testing::TempDir;

constexpr const char* kWriteFiles = R"(
import sys
import numpy as np
d = sys.argv[1]
a = np.arange(12, dtype=np.float64).reshape(4, 3) * 0.5 - 1.25
np.save(f'{d}/f8.npy', a)
np.save(f'{d}/f4.npy', np.array([[0.1, -2.5], [3.0, 1e-3]], dtype=np.float32))
np.save(f'{d}/be_f8.npy', a.astype('>f8'))
np.save(f'{d}/be_f4.npy', a.astype('>f4'))
np.save(f'{d}/be_i4.npy', np.array([-7, 100000], dtype='>i4'))
np.save(f'{d}/one_d.npy', np.array([3.5, -1.0, 2.0]))
np.save(f'{d}/i8.npy', np.array([[-(2**40) - 1, 2], [3, 2**53]], dtype='<i8'))
np.save(f'{d}/i4.npy', np.array([-7, 100000], dtype='<i4'))
np.save(f'{d}/fortran.npy', np.asfortranarray(a))
np.save(f'{d}/transposed.npy', a.T)
with open(f'{d}/v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
with open(f'{d}/v3.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(3, 0))
np.save(f'{d}/f2.npy', a.astype(np.float16))
np.save(f'{d}/empty.npy', np.zeros((0, 3)))
np.save(f'{d}/nan.npy', np.array([[1.0, 2.0], [np.nan, 4.0]], dtype=np.float32))
)";

class NumpyFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    ok_ = run_python(*dir_, kWriteFiles);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(ok_) << "numpy could not write the test files"; }

  static Matrix expected() {
    Matrix a(4, 3);
    for (int i = 0; i < 12; ++i) a(i / 3, i % 3) = i * 0.5 - 1.25;
    return a;
  }
  static std::filesystem::path file(const std::string& name) { return *dir_ / name; }

  static inline TempDir* dir_ = nullptr;
  static inline bool ok_ = false;
};

TEST_F(NumpyFiles, Float64AllVersions) {
  EXPECT_EQ(read_array(file("f8.npy")), expected());
  EXPECT_EQ(read_array(file("v2.npy")), expected());
  EXPECT_EQ(read_array(file("v3.npy")), expected());
}

TEST_F(NumpyFiles, Float32) {
  const Matrix x = read_array(file("f4.npy"));
  ASSERT_EQ(x.rows(), 2);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_EQ(x(0, 0), static_cast<double>(0.1f));
  EXPECT_EQ(x(0, 1), -2.5);
  EXPECT_EQ(x(1, 1), static_cast<double>(1e-3f));
}

TEST_F(NumpyFiles, BigEndian) {
  EXPECT_EQ(read_array(file("be_f8.npy")), expected());
  EXPECT_EQ(read_array(file("be_f4.npy")), expected());  // every value is exact in float32
  const Matrix i = read_array(file("be_i4.npy"));
  EXPECT_EQ(i(0, 0), -7);
  EXPECT_EQ(i(1, 0), 100000);
}

TEST_F(NumpyFiles, OneDimensionIsOneColumn) {
  const Matrix x = read_array(file("one_d.npy"));
  ASSERT_EQ(x.rows(), 3);
  ASSERT_EQ(x.cols(), 1);
  EXPECT_EQ(x(0, 0), 3.5);
  EXPECT_EQ(x(2, 0), 2.0);
}

TEST_F(NumpyFiles, Integers) {
  const Matrix x = read_array(file("i8.npy"));
  ASSERT_EQ(x.rows(), 2);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_EQ(x(0, 0), -1099511627777.0);
  EXPECT_EQ(x(1, 1), 9007199254740992.0);
  const Matrix y = read_array(file("i4.npy"));
  EXPECT_EQ(y(0, 0), -7);
  EXPECT_EQ(y(1, 0), 100000);
}

TEST_F(NumpyFiles, FortranOrderIsRejected) {
  for (const char* name : {"fortran.npy", "transposed.npy"}) {
    try {
      read_array(file(name));
      ADD_FAILURE() << name << " was accepted";
    } catch (const IoError& e) {
      EXPECT_THAT(e.what(), HasSubstr(name));
      EXPECT_THAT(e.what(), HasSubstr("C order required"));
    }
  }
}

TEST_F(NumpyFiles, Float16IsAnUnsupportedDtype) {
  try {
    read_array(file("f2.npy"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unsupported dtype <f2"));
  }
}

TEST_F(NumpyFiles, EmptyArrayHasNoSamples) {
  try {
    read_array(file("empty.npy"));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no samples"));
  }
}

TEST_F(NumpyFiles, NanIsNamed) {
  try {
    read_array(file("nan.npy"));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 1, column 0"));
  }
}

TEST_F(NumpyFiles, TruncatedFileNamesBytes) {
  const auto path = file("truncated.npy");
  std::filesystem::copy_file(file("f8.npy"), path, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 8);
  try {
    read_array(path);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("truncated.npy"));
    EXPECT_THAT(e.what(), HasSubstr("needs 96 data bytes, found 88"));
  }
}

TEST(WriteNpy, NumpyLoadsWhatWeWrite) {
  TempDir dir;
  Matrix x(3, 2);
  x << 0.1, -2.0, 1e300, 5e-324, 7, -0.0;
  write_npy(dir / "ours.npy", x);
  const std::string check = R"(
import sys
import numpy as np
d = sys.argv[1]
with open(f'{d}/ours.npy', 'rb') as f:
    assert np.lib.format.read_magic(f) == (1, 0)
    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    assert shape == (3, 2) and not fortran and dtype == np.dtype('<f8'), (shape, fortran, dtype)
    assert f.tell() % 64 == 0, f.tell()
x = np.load(f'{d}/ours.npy')
want = np.array([[0.1, -2.0], [1e300, 5e-324], [7.0, -0.0]])
assert np.array_equal(x, want) and np.signbit(x[2, 1]), x
)";
  EXPECT_TRUE(run_python(dir, check));
}

}  // namespace
}  // namespace ouro
