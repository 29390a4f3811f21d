// The neural families' shared LibTorch plumbing (see torch_runtime.hpp).
#include "torch_runtime.hpp"

#include <dlfcn.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"

namespace ouro::neural {
namespace {

// Fills `tensor` (float, any device) with values made by `value()` on the CPU.
template <typename Make>
void fill_from(torch::Tensor& tensor, Make value) {
  std::vector<float> host(static_cast<std::size_t>(tensor.numel()));
  for (float& x : host) x = value();
  torch::NoGradGuard no_grad;
  tensor.copy_(torch::from_blob(host.data(), tensor.sizes(), torch::kFloat32));
}

// One thread for every OpenBLAS in the process. Torch's BLAS calls may bind to the OpenBLAS the
// executable itself links (the distribution metrics use it), which started before the loader could
// set OPENBLAS_NUM_THREADS, or to the libblas.so.3 torch names; both are told.
void limit_blas_threads() {
  using SetThreads = void (*)(int);
  std::vector<void*> handles{RTLD_DEFAULT};
  for (const char* name : {"libopenblas.so.0", "libblas.so.3"}) {
    if (void* handle = ::dlopen(name, RTLD_NOW | RTLD_NOLOAD)) handles.push_back(handle);
  }
  for (void* handle : handles) {
    if (auto set = reinterpret_cast<SetThreads>(::dlsym(handle, "openblas_set_num_threads"))) set(1);
  }
}

}  // namespace

void use_one_thread() {
  static std::once_flag once;
  std::call_once(once, [] {
    torch::set_num_threads(1);
    torch::set_num_interop_threads(1);
    limit_blas_threads();
  });
}

torch::Device device_from_config(const Config& config) {
  const std::string& device = config.text("run.device");
  if (device == "cpu") return torch::kCPU;
  if (!torch::cuda::is_available()) {
    config.fail("run.device", "cuda needs a LibTorch built with CUDA and a visible GPU, and this one has none "
                              "(Debian's libtorch-dev is CPU-only); use \"cpu\"");
  }
  return torch::kCUDA;
}

torch::Tensor normal_tensor(torch::IntArrayRef shape, Rng& rng) {
  torch::Tensor out = torch::empty(shape, torch::kFloat32);
  fill_from(out, [&] { return static_cast<float>(rng.normal()); });
  return out;
}

torch::Tensor uniform_tensor(torch::IntArrayRef shape, Rng& rng) {
  torch::Tensor out = torch::empty(shape, torch::kFloat32);
  fill_from(out, [&] { return static_cast<float>(rng.uniform()); });
  return out;
}

void init_parameters(torch::nn::Module& module, Rng& rng) {
  for (const auto& child : module.modules(/*include_self=*/true)) {
    torch::Tensor weight, bias;
    std::vector<torch::Tensor> others;
    for (const auto& item : child->named_parameters(/*recurse=*/false)) {
      if (item.key() == "weight") weight = item.value();
      else if (item.key() == "bias") bias = item.value();
      else others.push_back(item.value());
    }
    if (child->as<torch::nn::Embedding>() != nullptr) {
      // torch.nn.Embedding starts from standard normals.
      fill_from(weight, [&] { return static_cast<float>(rng.normal()); });
    } else if (weight.defined() && weight.dim() >= 2) {
      // torch's kaiming_uniform_(a = sqrt(5)) and its bias rule both come to +-1/sqrt(fan_in), where
      // fan_in is the weight's second dimension times its receptive field.
      const double fan_in = static_cast<double>(weight.numel() / weight.size(0));
      const double bound = 1.0 / std::sqrt(fan_in);
      auto uniform = [&] { return static_cast<float>((2.0 * rng.uniform() - 1.0) * bound); };
      fill_from(weight, uniform);
      if (bias.defined()) fill_from(bias, uniform);
    } else {
      if (weight.defined()) fill_from(weight, [] { return 1.0f; });
      if (bias.defined()) fill_from(bias, [] { return 0.0f; });
    }
    for (torch::Tensor& other : others) fill_from(other, [&] { return static_cast<float>(rng.normal()); });
  }
}

torch::Tensor images_tensor(const Samples& samples, std::span<const std::size_t> indices) {
  const ImageShape& shape = samples.image_shape();
  const auto pixels = static_cast<std::ptrdiff_t>(shape.pixels());
  torch::Tensor out = torch::empty({static_cast<std::int64_t>(indices.size()), shape.channels, shape.height, shape.width},
                                   torch::kFloat32);
  float* data = out.data_ptr<float>();
  for (std::size_t i = 0; i < indices.size(); ++i) {
    samples.image_values(static_cast<Eigen::Index>(indices[i]), std::span<float>(data + i * pixels, pixels));
  }
  return out;
}

Samples images_from_tensor(const torch::Tensor& values, const ImageShape& shape) {
  const torch::Tensor host = values.detach().to(torch::kCPU, torch::kFloat32).clamp(shape.low, shape.high).contiguous();
  OURO_CHECK(host.dim() == 4 && host.size(1) == shape.channels && host.size(2) == shape.height &&
                 host.size(3) == shape.width,
             DataError, "generated images have shape {}; the model's images are {} x {} x {}",
             fmt::format("{}", fmt::join(host.sizes(), " x ")), shape.channels, shape.height, shape.width);
  return Samples::images_from_values(shape, std::span<const float>(host.data_ptr<float>(), host.numel()));
}

torch::Tensor to_signed_unit(const torch::Tensor& values, const ImageShape& shape) {
  return (values - shape.low) * (2.0 / (shape.high - shape.low)) - 1.0;
}

torch::Tensor from_signed_unit(const torch::Tensor& x, const ImageShape& shape) {
  return (x + 1.0) * (0.5 * (shape.high - shape.low)) + shape.low;
}

std::vector<std::size_t> shuffled_indices(std::size_t n, Rng& rng) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

namespace {

std::vector<torch::Tensor> state_tensors(const torch::nn::Module& module) {
  std::vector<torch::Tensor> tensors = module.parameters(/*recurse=*/true);
  for (const torch::Tensor& buffer : module.buffers(/*recurse=*/true)) tensors.push_back(buffer);
  return tensors;
}

}  // namespace

std::string save_parameters(const torch::nn::Module& module) {
  static_assert(std::endian::native == std::endian::little, "parameter bytes are little-endian float32");
  const std::vector<torch::Tensor> tensors = state_tensors(module);
  std::string bytes;
  const std::uint64_t count = tensors.size();
  bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
  for (const torch::Tensor& tensor : tensors) {
    const torch::Tensor host = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const std::uint64_t numel = static_cast<std::uint64_t>(host.numel());
    bytes.append(reinterpret_cast<const char*>(&numel), sizeof numel);
    bytes.append(reinterpret_cast<const char*>(host.data_ptr<float>()), numel * sizeof(float));
  }
  return bytes;
}

void load_parameters(torch::nn::Module& module, std::string_view bytes, std::string_view what) {
  std::vector<torch::Tensor> tensors = state_tensors(module);
  std::size_t at = 0;
  auto read_u64 = [&](std::string_view field) {
    OURO_CHECK(at + 8 <= bytes.size(), DataError, "{}: {} bytes end before its {}", what, bytes.size(), field);
    std::uint64_t value = 0;
    std::memcpy(&value, bytes.data() + at, 8);
    at += 8;
    return value;
  };
  const std::uint64_t count = read_u64("tensor count");
  OURO_CHECK(count == tensors.size(), DataError, "{}: holds {} tensors; this model has {}", what, count, tensors.size());
  torch::NoGradGuard no_grad;
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const std::uint64_t numel = read_u64(fmt::format("tensor {}'s size", t));
    OURO_CHECK(numel == static_cast<std::uint64_t>(tensors[t].numel()), DataError,
               "{}: tensor {} holds {} values; this model's has {}", what, t, numel, tensors[t].numel());
    OURO_CHECK(at + numel * sizeof(float) <= bytes.size(), DataError, "{}: bytes end inside tensor {}", what, t);
    std::vector<float> host(numel);
    std::memcpy(host.data(), bytes.data() + at, numel * sizeof(float));
    at += numel * sizeof(float);
    tensors[t].copy_(torch::from_blob(host.data(), tensors[t].sizes(), torch::kFloat32));
  }
  OURO_CHECK(at == bytes.size(), DataError, "{}: {} bytes left over after the last tensor", what, bytes.size() - at);
}

void copy_parameters(const torch::nn::Module& from, torch::nn::Module& to) {
  const std::vector<torch::Tensor> source = state_tensors(from);
  std::vector<torch::Tensor> target = state_tensors(to);
  OURO_CHECK(source.size() == target.size(), DataError, "cannot start from a model with {} tensors; this one has {}",
             source.size(), target.size());
  torch::NoGradGuard no_grad;
  for (std::size_t t = 0; t < source.size(); ++t) target[t].copy_(source[t]);
}

std::string describe_torch() {
  return fmt::format("libtorch {}, {}", TORCH_VERSION, torch::cuda::is_available() ? "CPU and CUDA" : "CPU");
}

}  // namespace ouro::neural
