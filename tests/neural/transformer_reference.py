"""The GPT-2 network of src/neural/transformer_net.hpp in Debian's python3-torch, as an
independent reference.

Usage: transformer_reference.py DIR VOCAB LAYERS HEADS WIDTH CONTEXT
Reads DIR/params.npy (every parameter flattened, in registration order), DIR/ids.npy (B x T token
ids) and DIR/targets.npy (B x T next-token ids, -100 where nothing is predicted); writes
DIR/logits.npy ((B*T) x VOCAB), DIR/reference.json with the mean cross-entropy over the predicted
tokens, and DIR/grads.npy, that loss's gradient in the same flat order as params.npy. Evaluation
pass: no dropout.

Gpt2 also serves bench/neural_step_bench.py, with dropout (where ouroboros applies it) and a
key/value cache for decoding.
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_weights import load_parameters, save_gradients


class Block(nn.Module):
    def __init__(self, width, heads, dropout=0.0):
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.c_attn = nn.Linear(width, 3 * width)
        self.attn_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)

    def forward(self, x, cache=None):
        """`cache`: this layer's [keys, values] of earlier positions (extended in place) or None."""
        b, t, w = x.shape
        hd = w // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(w, dim=2)
        q, k, v = (z.view(b, t, self.heads, hd).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if cache[0] is not None:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[0], cache[1] = k, v
        past = k.shape[2] - t
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)
        future = torch.triu(torch.ones(t, k.shape[2], dtype=torch.bool), diagonal=past + 1)
        attn = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        attn = F.dropout(attn, self.dropout, self.training)
        y = (attn @ v).transpose(1, 2).reshape(b, t, w)
        x = x + F.dropout(self.attn_proj(y), self.dropout, self.training)
        m = self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x + F.dropout(m, self.dropout, self.training)


class Gpt2(nn.Module):
    def __init__(self, vocab, layers, heads, width, context, dropout=0.0):
        super().__init__()
        self.dropout = dropout
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads, dropout) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width, eps=1e-5)

    def forward(self, ids, cache=None):
        """`cache`: a list of one [keys, values] per block (None at first), or None."""
        past = 0 if cache is None or cache[0][0] is None else cache[0][0].shape[2]
        x = self.wte(ids) + self.wpe(torch.arange(past, past + ids.shape[1]))[None]
        x = F.dropout(x, self.dropout, self.training)
        for i, block in enumerate(self.blocks):
            x = block(x, None if cache is None else cache[i])
        return self.ln_f(x) @ self.wte.weight.t()


def main():
    folder = sys.argv[1]
    vocab, layers, heads, width, context = (int(a) for a in sys.argv[2:7])
    torch.set_num_threads(1)
    net = Gpt2(vocab, layers, heads, width, context)
    count = load_parameters([net], f"{folder}/params.npy")
    ids = torch.from_numpy(np.load(f"{folder}/ids.npy").astype(np.int64))
    targets = torch.from_numpy(np.load(f"{folder}/targets.npy").astype(np.int64))
    logits = net(ids)
    loss = F.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    np.save(f"{folder}/logits.npy", logits.detach().reshape(-1, vocab).double().numpy())
    save_gradients(net, f"{folder}/grads.npy")
    with open(f"{folder}/reference.json", "w") as out:
        json.dump({"loss": loss.item(), "parameters": count}, out)


if __name__ == "__main__":
    main()
