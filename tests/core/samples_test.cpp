// Samples by kind: each kind holds its samples at its natural width (60,000 MNIST-sized images of
// 8-bit levels in under 50 MB, token sequences without padding), images round to their nearest
// level, select and concat keep every sample's values and
// bytes exactly, labelled images keep one label per image (and a label is part of its sample's
// bytes), views of another kind and malformed input are DataErrors that name the kinds.
#include <numeric>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/core/samples.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

Samples three_sequences() {
  // [5 6 7], [], [8 9]
  return Samples(std::vector<std::int32_t>{5, 6, 7, 8, 9}, std::vector<std::size_t>{0, 3, 3, 5});
}

TEST(Samples, SixtyThousandImagesFitInFiftyMegabytes) {
  const ImageShape mnist{1, 28, 28, 0.0f, 1.0f};
  const std::size_t n = 60000;
  const Samples images(mnist, std::vector<std::uint8_t>(n * mnist.pixels(), 128));
  EXPECT_EQ(images.size(), 60000);
  EXPECT_EQ(images.memory_bytes(), n * 784);  // 47.04 MB
  EXPECT_LE(images.memory_bytes(), 50u * 1000 * 1000);
  // As double rows, the encoding every sample had before sample kinds, they took 376 MB.
  EXPECT_GT(static_cast<double>(n * 784 * sizeof(double)) / 1e6, 376.0);
}

TEST(Samples, TokenSequencesHaveTheirOwnLengthsAndNoPadding) {
  const Samples s = three_sequences();
  ASSERT_EQ(s.size(), 3);
  EXPECT_EQ(s.tokens(0).size(), 3u);
  EXPECT_TRUE(s.tokens(1).empty());
  EXPECT_EQ(s.tokens(2)[1], 9);
  EXPECT_EQ(s.memory_bytes(), 5 * sizeof(std::int32_t) + 4 * sizeof(std::size_t));
  const Matrix padded = s.padded_rows();
  ASSERT_EQ(padded.cols(), 3);
  EXPECT_EQ(padded(2, 2), -1.0);
  const Samples back = Samples::tokens_from_padded_rows(padded);
  for (Eigen::Index i = 0; i < 3; ++i) EXPECT_EQ(back.bytes(i), s.bytes(i)) << i;
}

TEST(Samples, SelectAndConcatKeepEverySampleExactly) {
  const Samples tokens = three_sequences();
  const std::size_t order[] = {2, 0, 2};
  const Samples picked = tokens.select(order);
  ASSERT_EQ(picked.size(), 3);
  EXPECT_EQ(picked.bytes(0), tokens.bytes(2));
  EXPECT_EQ(picked.bytes(1), tokens.bytes(0));
  const Samples* parts[] = {&tokens, &picked};
  const Samples joined = Samples::concat(parts);
  ASSERT_EQ(joined.size(), 6);
  EXPECT_EQ(joined.bytes(3), tokens.bytes(2));
  EXPECT_EQ(joined.all_tokens().size(), 5u + 7u);

  const ImageShape shape{2, 1, 2, -1.0f, 1.0f};
  const float values[] = {-1.0f, 1.0f, 0.0f, 0.4f, -0.5f, -0.6f, -0.7f, -0.8f};
  const Samples images = Samples::images_from_values(shape, values);
  ASSERT_EQ(images.size(), 2);
  // Levels are the nearest of 256 over [-1, 1]: the ends exactly, the rest within half a step.
  float decoded[4];
  images.image_values(0, decoded);
  EXPECT_EQ(decoded[0], -1.0f);
  EXPECT_EQ(decoded[1], 1.0f);
  EXPECT_NEAR(decoded[3], 0.4f, 1.001f / 255.0f);  // 0.4 lies on a midpoint: half a step off
  const std::size_t second[] = {1};
  const Samples one = images.select(second);
  EXPECT_EQ(one.image(0)[3], images.image(1)[3]);
  EXPECT_EQ(one.image_shape(), shape);
  const Samples* image_parts[] = {&images, &one};
  EXPECT_EQ(Samples::concat(image_parts).bytes(2), images.bytes(1));

  Matrix rows(2, 2);
  rows << 1, 2, 3, 4;
  const Samples real(rows);
  const std::size_t back[] = {1, 0};
  EXPECT_EQ(real.select(back).real()(0, 1), 4.0);
  EXPECT_EQ(real.bytes(1).size(), 2 * sizeof(double));
}

TEST(Samples, AViewOfAnotherKindOrAMixedJoinIsAnError) {
  const Samples tokens = three_sequences();
  try {
    (void)tokens.real();
    FAIL() << "token sequences read as real rows";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("expected real rows, but the samples are token sequences"));
  }
  const Samples real(Matrix::Zero(2, 3));
  const Samples* mixed[] = {&real, &tokens};
  EXPECT_THROW(Samples::concat(mixed), DataError);
  const Samples narrow(Matrix::Zero(2, 2));
  const Samples* widths[] = {&real, &narrow};
  EXPECT_THROW(Samples::concat(widths), DataError);
}

TEST(Samples, MalformedInputIsRefusedNamingWhatIsWrong) {
  const ImageShape shape{1, 2, 2, 0.0f, 1.0f};
  EXPECT_THROW(Samples(shape, std::vector<std::uint8_t>(6, 1)), DataError);  // not whole images
  EXPECT_THROW(Samples(ImageShape{1, 2, 2, 1.0f, 1.0f}, std::vector<std::uint8_t>(4, 1)), DataError);
  try {
    const float values[] = {0.0f, 0.5f, 1.5f, 0.2f};
    Samples::images_from_values(shape, values);
    FAIL() << "a pixel outside the declared range was taken";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("image 0 holds 1.5 at value 2, outside the declared range [0, 1]"));
  }
  EXPECT_THROW(Samples(std::vector<std::int32_t>{1, 2}, std::vector<std::size_t>{0, 3}), DataError);
  EXPECT_THROW(Samples(std::vector<std::int32_t>{1, -2}, std::vector<std::size_t>{0, 2}), DataError);
  Matrix nan = Matrix::Zero(2, 2);
  nan(1, 0) = std::nan("");
  try {
    Samples(nan).check_finite("synthetic samples");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("synthetic samples: row 1, column 0"));
  }
}


TEST(Samples, LabelledImagesKeepOneLabelPerImageThroughSelectAndConcat) {
  const ImageShape shape{1, 1, 2, 0.0f, 1.0f};
  const Samples labelled(shape, std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}, {7, 0, 2});
  ASSERT_TRUE(labelled.has_labels());
  ASSERT_EQ(labelled.size(), 3);
  const std::vector<std::size_t> order{2, 0, 2};
  const Samples picked = labelled.select(order);
  EXPECT_EQ(std::vector<std::int32_t>(picked.labels().begin(), picked.labels().end()),
            (std::vector<std::int32_t>{2, 7, 2}));
  EXPECT_EQ(picked.bytes(0), labelled.bytes(2));
  const Samples* parts[] = {&labelled, &picked};
  const Samples joined = Samples::concat(parts);
  EXPECT_EQ(std::vector<std::int32_t>(joined.labels().begin(), joined.labels().end()),
            (std::vector<std::int32_t>{7, 0, 2, 2, 7, 2}));
  EXPECT_EQ(joined.bytes(4), labelled.bytes(0));
  // Labels are counted: 6 levels of one byte and 3 labels of four.
  EXPECT_EQ(labelled.memory_bytes(), 6u + 3u * sizeof(std::int32_t));
  // Unlabelled images and the other kinds have no labels.
  const Samples plain(shape, std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
  EXPECT_FALSE(plain.has_labels());
  EXPECT_TRUE(plain.labels().empty());
  EXPECT_FALSE(Samples(Matrix::Zero(2, 2)).has_labels());
}

TEST(Samples, OneImageUnderTwoLabelsIsTwoSamples) {
  // Dedup compares bytes(): the same pixels with different labels are different training pairs.
  const ImageShape shape{1, 1, 2, 0.0f, 1.0f};
  const Samples labelled(shape, std::vector<std::uint8_t>{9, 9, 9, 9, 9, 9}, {1, 2, 1});
  EXPECT_NE(labelled.bytes(0), labelled.bytes(1));
  EXPECT_EQ(labelled.bytes(0), labelled.bytes(2));
  const Samples plain(shape, std::vector<std::uint8_t>{9, 9, 9, 9});
  EXPECT_EQ(plain.bytes(0), plain.bytes(1));
}

TEST(Samples, BadLabelsAndMixedLabellingAreRefusedNamingWhatIsWrong) {
  const ImageShape shape{1, 1, 2, 0.0f, 1.0f};
  const std::vector<std::uint8_t> levels{1, 2, 3, 4};
  auto message = [](auto&& build) -> std::string {
    try {
      build();
    } catch (const DataError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_THAT(message([&] { Samples(shape, levels, {1}); }), ::testing::HasSubstr("1 labels for 2 images"));
  EXPECT_THAT(message([&] { Samples(shape, levels, {1, -3}); }),
              ::testing::HasSubstr("image 1 has label -3, expected a class label >= 0"));
  const Samples labelled(shape, levels, {0, 1});
  const Samples plain(shape, levels);
  const Samples* parts[] = {&labelled, &plain};
  EXPECT_THAT(message([&] { Samples::concat(parts); }),
              ::testing::HasSubstr("cannot join labelled images and unlabelled images"));
  const Samples* reversed[] = {&plain, &labelled};
  EXPECT_THAT(message([&] { Samples::concat(reversed); }),
              ::testing::HasSubstr("cannot join unlabelled images and labelled images"));
}

}  // namespace
}  // namespace ouro
