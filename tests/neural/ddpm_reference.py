"""The UNet of src/neural/unet.hpp and the DDPM loss of src/neural/ddpm.hpp in Debian's
python3-torch, as an independent reference.

Usage: ddpm_reference.py DIR CHANNELS HEIGHT WIDTH FEATURES CLASSES STEPS [LATENT]
Reads DIR/params.npy (the UNet's parameters flattened in registration order), DIR/x0.npy (N x
C*H*W values in [-1, 1]), DIR/eps.npy (N x C*H*W), DIR/t.npy and DIR/labels.npy (N x 1 each);
with LATENT, the denoiser is the latent-space MLP of src/neural/latent_denoiser.hpp over LATENT
coordinates (width 8 x FEATURES) and x0 and eps are N x LATENT;
writes DIR/reference.json with the loss and DIR/grads.npy, its gradient in params.npy's order.
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_weights import load_parameters, save_gradients


def group_norm(channels):
    return nn.GroupNorm(math.gcd(channels, 8), channels)


def timestep_embedding(t, dim):
    half = dim // 2
    frequencies = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    angles = t.float()[:, None] * frequencies[None, :]
    embedding = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    if dim % 2 == 1:
        embedding = F.pad(embedding, (0, 1))
    return embedding


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, embedding):
        super().__init__()
        self.norm1 = group_norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.project = nn.Linear(embedding, cout)
        self.norm2 = group_norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.project(F.silu(e))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class Unet(nn.Module):
    def __init__(self, channels, features, classes):
        super().__init__()
        f, e = features, 4 * features
        self.f = f
        self.time1 = nn.Linear(f, e)
        self.time2 = nn.Linear(e, e)
        self.label_embedding = nn.Embedding(classes + 1, e)
        self.conv_in = nn.Conv2d(channels, f, 3, padding=1)
        self.res_a = ResidualBlock(f, f, e)
        self.down1 = nn.Conv2d(f, f, 3, stride=2, padding=1)
        self.res_b = ResidualBlock(f, 2 * f, e)
        self.down2 = nn.Conv2d(2 * f, 2 * f, 3, stride=2, padding=1)
        self.res_c = ResidualBlock(2 * f, 2 * f, e)
        self.res_mid = ResidualBlock(2 * f, 2 * f, e)
        self.up2 = nn.Conv2d(2 * f, 2 * f, 3, padding=1)
        self.res_up2 = ResidualBlock(4 * f, 2 * f, e)
        self.up1 = nn.Conv2d(2 * f, f, 3, padding=1)
        self.res_up1 = ResidualBlock(2 * f, f, e)
        self.norm_out = group_norm(f)
        self.conv_out = nn.Conv2d(f, channels, 3, padding=1)

    def forward(self, x, t, labels):
        e = self.time2(F.silu(self.time1(timestep_embedding(t, self.f)))) + self.label_embedding(labels)
        a = self.res_a(self.conv_in(x), e)
        b = self.res_b(self.down1(a), e)
        h = self.res_mid(self.res_c(self.down2(b), e), e)
        up = lambda y: F.interpolate(y, scale_factor=2.0, mode="nearest")
        h = self.res_up2(torch.cat([self.up2(up(h)), b], 1), e)
        h = self.res_up1(torch.cat([self.up1(up(h)), a], 1), e)
        return self.conv_out(F.silu(self.norm_out(h)))


class LatentBlock(nn.Module):
    def __init__(self, width, embedding):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, width)
        self.project = nn.Linear(embedding, width)
        self.fc2 = nn.Linear(width, width)

    def forward(self, h, e):
        return h + self.fc2(F.silu(self.fc1(F.silu(self.norm(h))) + self.project(F.silu(e))))


class LatentDenoiser(nn.Module):
    def __init__(self, latent, width, classes, blocks=4):
        super().__init__()
        self.width = width
        self.time1 = nn.Linear(width, width)
        self.time2 = nn.Linear(width, width)
        self.label_embedding = nn.Embedding(classes + 1, width)
        self.inp = nn.Linear(latent, width)
        self.blocks = nn.ModuleList([LatentBlock(width, width) for _ in range(blocks)])
        self.norm_out = nn.LayerNorm(width)
        self.out = nn.Linear(width, latent)

    def forward(self, z, t, labels):
        e = self.time2(F.silu(self.time1(timestep_embedding(t, self.width)))) + self.label_embedding(labels)
        h = self.inp(z)
        for block in self.blocks:
            h = block(h, e)
        return self.out(F.silu(self.norm_out(h)))


def main():
    out = sys.argv[1]
    channels, height, width, features, classes, steps = map(int, sys.argv[2:8])
    torch.set_num_threads(1)
    latent = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    net = LatentDenoiser(latent, 8 * features, classes) if latent else Unet(channels, features, classes)
    at = load_parameters([net], f"{out}/params.npy")
    load = lambda name: torch.from_numpy(np.load(f"{out}/{name}.npy").astype(np.float32))
    shape = (-1, latent) if latent else (-1, channels, height, width)
    x0 = load("x0").view(*shape)
    eps = load("eps").view(*shape)
    t = load("t").long().ravel()
    labels = load("labels").long().ravel()
    # Ho et al.'s linear schedule, scaled by 1000 / T.
    scale = 1000.0 / steps
    betas = np.linspace(1e-4 * scale, min(0.02 * scale, 0.999), steps, dtype=np.float64)
    alpha_bars = torch.from_numpy(np.cumprod(1.0 - betas)).float()
    broadcast = (-1, 1) if latent else (-1, 1, 1, 1)
    a = alpha_bars[t].sqrt().view(*broadcast)
    s = (1.0 - alpha_bars[t]).sqrt().view(*broadcast)
    noise = net(a * x0 + s * eps, t, labels)
    loss = F.mse_loss(noise, eps)
    loss.backward()
    save_gradients(net, f"{out}/grads.npy")
    with open(f"{out}/reference.json", "w") as f:
        json.dump({"loss": loss.item(), "parameters": at}, f)


if __name__ == "__main__":
    main()
