"""The VAE of src/neural/vae.hpp in Debian's python3-torch, as an independent reference.

Usage: vae_reference.py DIR CHANNELS HEIGHT WIDTH CAPACITY LATENT
Reads DIR/params.npy (every parameter flattened, in registration order), DIR/x.npy (N x C*H*W
values in [0, 1]) and DIR/eps.npy (N x LATENT); writes DIR/reference.json with the minibatch loss
(summed BCE + KL) and DIR/grads.npy, the loss's gradient in the same flat order as params.npy.
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_weights import load_parameters, save_gradients


class Vae(nn.Module):
    def __init__(self, channels, height, width, c, latent):
        super().__init__()
        self.c, self.h, self.w = c, height // 4, width // 4
        flat = 2 * c * self.h * self.w
        self.conv1 = nn.Conv2d(channels, c, 4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(c, 2 * c, 4, stride=2, padding=1)
        self.fc_mu = nn.Linear(flat, latent)
        self.fc_logvar = nn.Linear(flat, latent)
        self.fc_decode = nn.Linear(latent, flat)
        self.deconv2 = nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1)
        self.deconv1 = nn.ConvTranspose2d(c, channels, 4, stride=2, padding=1)

    def loss(self, x, eps):
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h)).flatten(1)
        mu, logvar = self.fc_mu(h), self.fc_logvar(h)
        z = mu + torch.exp(0.5 * logvar) * eps
        d = self.fc_decode(z).view(z.shape[0], 2 * self.c, self.h, self.w)
        reconstruction = torch.sigmoid(self.deconv1(F.relu(self.deconv2(d))))
        bce = F.binary_cross_entropy(reconstruction, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kl


def main():
    out = sys.argv[1]
    channels, height, width, capacity, latent = map(int, sys.argv[2:7])
    torch.set_num_threads(1)
    net = Vae(channels, height, width, capacity, latent)
    at = load_parameters([net], f"{out}/params.npy")
    x = torch.from_numpy(np.load(f"{out}/x.npy").astype(np.float32)).view(-1, channels, height, width)
    eps = torch.from_numpy(np.load(f"{out}/eps.npy").astype(np.float32))
    loss = net.loss(x, eps)
    loss.backward()
    save_gradients(net, f"{out}/grads.npy")
    with open(f"{out}/reference.json", "w") as f:
        json.dump({"loss": loss.item(), "parameters": at}, f)


if __name__ == "__main__":
    main()
