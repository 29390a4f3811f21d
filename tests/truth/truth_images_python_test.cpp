// Image truths against NumPy: the class histogram of MNIST's and Fashion-MNIST's t10k labels as the
// truth reads them equals np.bincount of the labels that Python's gzip module reads from the files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;

std::vector<long> numpy_histogram(const fs::path& labels) {
  const std::string script = fmt::format(
      "import gzip, numpy as np\n"
      "b = gzip.open('{}', 'rb').read()\n"
      "print(' '.join(str(c) for c in np.bincount(np.frombuffer(b[8:], dtype=np.uint8), minlength=10)))\n",
      labels.string());
  const std::string command = fmt::format("'{}' -c \"{}\"", OURO_PYTHON, script);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::vector<long> counts;
  long c = 0;
  while (std::fscanf(pipe, "%ld", &c) == 1) counts.push_back(c);
  ::pclose(pipe);
  return counts;
}

TEST(ImageTruthPython, TestLabelHistogramsEqualNumpys) {
  for (const char* kind : {"mnist", "fashion-mnist"}) {
    const fs::path folder = fs::path(OURO_SHARED_DATA) / kind;
    const auto truth = make_truth(
        Config::from_string(fmt::format("[truth]\nkind = \"{}\"\npath = \"{}\"\n", kind, folder.string()), "test.toml"), 7);
    std::vector<long> ours(10, 0);
    for (const std::int32_t label : truth->test_labels()) ++ours.at(static_cast<std::size_t>(label));
    EXPECT_EQ(ours, numpy_histogram(folder / "t10k-labels-idx1-ubyte.gz")) << kind;
  }
}

}  // namespace
}  // namespace ouro
