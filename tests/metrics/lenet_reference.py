"""Reference forward pass of the LeNet feature network, with PyTorch's own nn.Conv2d, nn.MaxPool2d
and nn.Linear (feature_network_test.cpp runs it with Debian's /usr/bin/python3 and python3-torch).

    lenet_reference.py WEIGHTS.npy IMAGES.npy OUT_FOLDER

WEIGHTS.npy holds the 61,706 float32 parameters in the order feature_network.hpp documents;
IMAGES.npy holds n rows of 784 values in [0, 1]. Writes OUT_FOLDER/features.npy (n x 84) and
OUT_FOLDER/logits.npy (n x 10) as float64 from torch's float32 computation.
"""
import sys

import numpy as np
import torch
from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.pool = nn.MaxPool2d(2, 2)

    def features(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        return torch.relu(self.fc2(x))

    def forward(self, x):
        f = self.features(x)
        return f, self.fc3(f)


def main():
    weights_path, images_path, out = sys.argv[1:4]
    flat = np.load(weights_path)
    assert flat.dtype == np.float32 and flat.ndim == 1, (flat.dtype, flat.shape)
    model = LeNet()
    at = 0
    with torch.no_grad():
        # named_parameters() follows registration order: conv1, conv2, fc1, fc2, fc3, weight then bias.
        for name, p in model.named_parameters():
            count = p.numel()
            p.copy_(torch.from_numpy(flat[at:at + count].copy()).reshape(p.shape))
            at += count
    assert at == flat.size == 61706, at
    images = np.load(images_path).astype(np.float32).reshape(-1, 1, 28, 28)
    torch.set_num_threads(1)
    with torch.no_grad():
        features, logits = model(torch.from_numpy(images))
    np.save(out + "/features.npy", features.numpy().astype(np.float64))
    np.save(out + "/logits.npy", logits.numpy().astype(np.float64))


if __name__ == "__main__":
    main()
