"""The WGAN-GP of src/neural/wgan_gp.hpp in Debian's python3-torch, as an independent reference.

Usage: wgan_reference.py DIR CHANNELS HEIGHT WIDTH CAPACITY LATENT PENALTY
Reads DIR/params.npy (generator then critic parameters flattened in registration order),
DIR/real.npy (N x C*H*W in [-1, 1]), DIR/z.npy (N x LATENT) and DIR/e.npy (N x 1); computes the
critic's loss D(G(z)) - D(real) + PENALTY * mean((|grad D(x^)| - 1)^2) with the generator in
training mode (batch statistics), and the generator's loss -D(G(z)); writes DIR/reference.json
(both losses and the penalty) and DIR/critic_grads.npy, DIR/generator_grads.npy (each loss's
gradient in its network's parameter order).
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_weights import load_parameters, save_gradients


class Generator(nn.Module):
    def __init__(self, channels, height, width, c, latent):
        super().__init__()
        self.c, self.h, self.w = c, height // 4, width // 4
        flat = 2 * c * self.h * self.w
        self.project = nn.Linear(latent, flat)
        self.norm0 = nn.BatchNorm1d(flat)
        self.deconv2 = nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1)
        self.norm1 = nn.BatchNorm2d(c)
        self.deconv1 = nn.ConvTranspose2d(c, channels, 4, stride=2, padding=1)

    def forward(self, z):
        h = F.relu(self.norm0(self.project(z))).view(z.shape[0], 2 * self.c, self.h, self.w)
        h = F.relu(self.norm1(self.deconv2(h)))
        return torch.tanh(self.deconv1(h))


class Critic(nn.Module):
    def __init__(self, channels, height, width, c):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, c, 4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(c, 2 * c, 4, stride=2, padding=1)
        self.score = nn.Linear(2 * c * (height // 4) * (width // 4), 1)

    def forward(self, x):
        h = F.leaky_relu(self.conv1(x), 0.2)
        h = F.leaky_relu(self.conv2(h), 0.2).flatten(1)
        return self.score(h).squeeze(1)


def main():
    out = sys.argv[1]
    channels, height, width, capacity, latent = map(int, sys.argv[2:7])
    penalty_weight = float(sys.argv[7])
    torch.set_num_threads(1)
    generator = Generator(channels, height, width, capacity, latent)
    critic = Critic(channels, height, width, capacity)
    count = load_parameters([generator, critic], f"{out}/params.npy")
    load = lambda name: torch.from_numpy(np.load(f"{out}/{name}.npy").astype(np.float32))
    real = load("real").view(-1, channels, height, width)
    z = load("z")
    e = load("e").view(-1, 1, 1, 1)

    fake = generator(z).detach()
    mixed = (e * real + (1 - e) * fake).requires_grad_(True)
    scores = critic(mixed)
    grad = torch.autograd.grad(scores, mixed, torch.ones_like(scores), create_graph=True)[0]
    penalty = ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()
    critic_loss = critic(fake).mean() - critic(real).mean() + penalty_weight * penalty
    critic_loss.backward()
    save_gradients(critic, f"{out}/critic_grads.npy")
    critic.zero_grad()

    generator_loss = -critic(generator(z)).mean()
    generator_loss.backward()
    save_gradients(generator, f"{out}/generator_grads.npy")
    with open(f"{out}/reference.json", "w") as f:
        json.dump({"critic_loss": critic_loss.item(), "generator_loss": generator_loss.item(),
                   "penalty": penalty.item(), "parameters": count}, f)


if __name__ == "__main__":
    main()
