// The neural library's one exported symbol: the table of entry points the engine looks up after
// dlopen (see include/ouro/models/neural_library.hpp). Everything else in libouro_neural.so is
// hidden (-fvisibility=hidden, --exclude-libs), so its copies of the module libraries never
// interpose on the executable's.
#include "feature_trainer.hpp"
#include "neural_families.hpp"
#include "ouro/models/neural_library.hpp"
#include "torch_runtime.hpp"

namespace {

const ouro::NeuralLibrary kLibrary{
    .abi = ouro::NeuralLibrary::kAbi,
    .describe = ouro::neural::describe_torch,
    .make_family = ouro::neural::make_neural_family,
    .train_feature_network = ouro::neural::train_feature_network,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const ouro::NeuralLibrary* ouro_neural_library() { return &kLibrary; }
