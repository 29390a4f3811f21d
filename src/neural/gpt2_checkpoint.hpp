// GPT-2 weights from a `.safetensors` file (model.checkpoint) into the transformer family's
// network, so that a pretrained GPT-2 on disk is the starting point of every fit, as Shumailov et
// al. fine-tune a pretrained model.
//
// Names are GPT-2's (Hugging Face's GPT2Model; GPT2LMHeadModel's "transformer." prefix is accepted
// and its lm_head, tied to wte, ignored): wte.weight, wpe.weight, h.<l>.ln_1.{weight,bias},
// h.<l>.attn.c_attn.{weight,bias}, h.<l>.attn.c_proj.*, h.<l>.ln_2.*, h.<l>.mlp.c_fc.*,
// h.<l>.mlp.c_proj.*, ln_f.*. GPT-2 stores its four projection weights as Conv1D, (in x out); they
// are transposed into torch's Linear (out x in). Other tensors (the causal-mask buffers h.<l>.attn.bias
// of older exports) are ignored.
//
// The shape comes from the tensors: vocabulary and width from wte, context from wpe, layers from
// the h.<l> blocks present. Heads are not stored in the weights (GPT-2 small has 12): model.heads
// says how many. The corpus must use GPT-2's own tokenizer (truth.tokenizer = "gpt2"), whose
// vocabulary holds vocab.json's tokens at project ids 3.. (vocabulary.hpp); the reserved ids 0..2
// (<unk>, </s>, <s>) take the embedding of `<|endoftext|>`, GPT-2's document separator.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "transformer_net.hpp"

namespace ouro::neural {

struct Gpt2Checkpoint {
  std::filesystem::path path;
  std::int64_t vocab = 0;  // rows of wte
  std::int64_t layers = 0, width = 0, context = 0;
  std::string prefix;      // "" or "transformer."
};

// Reads the shape of the checkpoint at `path` (DataError naming the file and the tensor at fault:
// missing wte/wpe/blocks, shapes that disagree with each other; IoError when unreadable).
Gpt2Checkpoint read_gpt2_checkpoint(const std::filesystem::path& path);

// Copies the checkpoint's weights into `net`, whose shape must be the checkpoint's (its vocabulary
// `offset` rows larger: rows 0..offset-1 take row `separator` of wte). DataError naming the file and
// tensor when one is missing or has another shape.
void load_gpt2_weights(const Gpt2Checkpoint& checkpoint, TransformerNetImpl& net, std::int64_t offset,
                       std::int64_t separator);

}  // namespace ouro::neural
