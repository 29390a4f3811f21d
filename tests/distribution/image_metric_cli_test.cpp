// `ouro metric --features WEIGHTS.npy` on image files end to end: uint8 (n, 28, 28) levels and float
// (n, 784) rows of the same images give the same LeNet-FID, equal to the library's frechet distance
// on the network's features; a shape that is not 28 x 28 images and an integer level above 255 are
// refused naming the file.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../metrics/lenet_test_util.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/metrics/distribution/frechet.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

// A uint8 .npy of `shape` holding the images' levels.
void write_levels_npy(const std::filesystem::path& path, const Samples& images, const std::string& shape) {
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(header.size() & 0xff));
  out.put(static_cast<char>(header.size() >> 8));
  out << header;
  out.write(reinterpret_cast<const char*>(images.levels().data()), static_cast<std::streamsize>(images.levels().size()));
}

TEST(ImageMetricCli, LevelsAndRowsGiveTheLibrarysLeNetFid) {
  const auto dir = testing::scratch_dir("image-metric-cli");
  testing::write_float32_npy(dir / "lenet.npy", testing::random_lenet_weights(41), "(61706,)");
  const Samples real = testing::random_images(120, 42);
  const Samples generated = testing::random_images(100, 43);
  write_levels_npy(dir / "real.npy", real, "(120, 28, 28)");
  write_npy(dir / "generated.npy", testing::image_rows(generated));
  const std::string features = " --features " + (dir / "lenet.npy").string();
  const testing::Outcome o = testing::run_cli("metric frechet " + (dir / "real.npy").string() + " " +
                                              (dir / "generated.npy").string() + features + " --format json");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const auto json = nlohmann::json::parse(o.output);
  const FeatureNetwork net = FeatureNetwork::load(dir / "lenet.npy");
  const double expected =
      frechet_distance(net.forward(real, "real").features, net.forward(generated, "generated").features, 1);
  EXPECT_NEAR(json["metrics"]["frechet"].get<double>(), expected, 1e-9 * expected + 1e-15);
  EXPECT_EQ(json["dim"].get<int>(), 84);
  EXPECT_EQ(json["real"]["rows"].get<int>(), 120);

  write_levels_npy(dir / "small.npy", testing::random_images(10, 44), "(10, 14, 56)");
  const testing::Outcome bad = testing::run_cli("metric frechet " + (dir / "small.npy").string() + " " +
                                                (dir / "generated.npy").string() + features);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("small.npy: shape (10, 14, 56) is not a stack of 28 x 28 images"));

  Matrix wide = testing::image_rows(generated);
  wide(3, 5) = 1.25;
  write_npy(dir / "wide.npy", wide);
  const testing::Outcome range = testing::run_cli("metric frechet " + (dir / "real.npy").string() + " " +
                                                  (dir / "wide.npy").string() + features);
  EXPECT_NE(range.exit_code, 0);
  EXPECT_THAT(range.output, HasSubstr("wide.npy: image 3, pixel 5 (counting from 0) is 1.25"));

  const testing::Outcome missing = testing::run_cli("metric frechet " + (dir / "real.npy").string() + " " +
                                                    (dir / "generated.npy").string() + " --features " +
                                                    (dir / "absent.npy").string());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("absent.npy: no such file"));
}

}  // namespace
}  // namespace ouro
