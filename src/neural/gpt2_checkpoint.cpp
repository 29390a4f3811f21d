// GPT-2 weights from safetensors (see gpt2_checkpoint.hpp).
#include "gpt2_checkpoint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ouro/core/error.hpp"
#include "ouro/io/safetensors.hpp"

namespace ouro::neural {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

// The tensor's shape, checked to have `dims` dimensions.
const std::vector<std::int64_t>& shape_of(const SafetensorsFile& file, const std::string& name, std::size_t dims) {
  const SafetensorsTensor& t = file.tensor(name);
  OURO_CHECK(t.shape.size() == dims, DataError, "{}: tensor {} has shape {}; a GPT-2 checkpoint's has {} dimensions",
             file.path().string(), name, shape_text(t.shape), dims);
  return t.shape;
}

// GPT-2's Conv1D weights (in x out), which torch's Linear holds transposed.
bool is_conv1d_weight(const std::string& name) {
  return name.ends_with(".weight") && (name.find(".attn.") != std::string::npos || name.find(".mlp.") != std::string::npos);
}

}  // namespace

Gpt2Checkpoint read_gpt2_checkpoint(const std::filesystem::path& path) {
  const SafetensorsFile file = SafetensorsFile::open(path);
  Gpt2Checkpoint c;
  c.path = path;
  if (!file.contains("wte.weight") && file.contains("transformer.wte.weight")) c.prefix = "transformer.";
  const auto& wte = shape_of(file, c.prefix + "wte.weight", 2);
  const auto& wpe = shape_of(file, c.prefix + "wpe.weight", 2);
  c.vocab = wte[0];
  c.width = wte[1];
  c.context = wpe[0];
  OURO_CHECK(wpe[1] == c.width, DataError, "{}: wpe.weight has width {} but wte.weight {}", path.string(), wpe[1],
             c.width);
  while (file.contains(fmt::format("{}h.{}.ln_1.weight", c.prefix, c.layers))) ++c.layers;
  OURO_CHECK(c.layers > 0, DataError, "{}: no transformer blocks (h.0.ln_1.weight is missing)", path.string());
  return c;
}

void load_gpt2_weights(const Gpt2Checkpoint& checkpoint, TransformerNetImpl& net, std::int64_t offset,
                       std::int64_t separator) {
  const SafetensorsFile file = SafetensorsFile::open(checkpoint.path);
  const std::string& where = checkpoint.path.string();
  OURO_CHECK(separator >= 0 && separator < checkpoint.vocab, DataError,
             "{}: the separator token's row {} is outside wte.weight's {} rows", where, separator, checkpoint.vocab);
  torch::NoGradGuard no_grad;
  for (auto& [name, target] : net.gpt2_named_tensors()) {
    const std::string stored = checkpoint.prefix + name;
    // The shape the file must hold: wte without the reserved rows, Conv1D weights transposed, and
    // wpe with at least the model's positions.
    std::vector<std::int64_t> expected = target.sizes().vec();
    if (name == "wte.weight") expected[0] -= offset;
    if (is_conv1d_weight(name)) std::swap(expected[0], expected[1]);
    const std::vector<std::int64_t>& found = file.tensor(stored).shape;
    const bool fits = name == "wpe.weight"
                          ? found.size() == 2 && found[0] >= expected[0] && found[1] == expected[1]
                          : found == expected;
    OURO_CHECK(fits, DataError, "{}: tensor {} has shape {}; the model needs {}", where, stored, shape_text(found),
               shape_text(expected));
    // A view of the converted values (one copy of the tensor, not two: GPT-2 small is 500 MB).
    std::vector<float> values = file.to_float(stored);
    torch::Tensor source = torch::from_blob(values.data(), found, torch::kFloat32);
    if (name == "wte.weight") {
      // The reserved ids first, then the checkpoint's rows in order.
      source = torch::cat({source[separator].unsqueeze(0).expand({offset, source.size(1)}), source});
    } else if (name == "wpe.weight") {
      source = source.slice(0, 0, target.size(0));
    } else if (is_conv1d_weight(name)) {
      source = source.t();
    }
    target.copy_(source);
  }
}

}  // namespace ouro::neural
