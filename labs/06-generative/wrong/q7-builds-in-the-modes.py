# question: q7
# mistake: skips the adversarial training and builds the eight centres into the generator: the
# samples cover the ring, but nothing was learned
import math

import torch
from torch import nn


class RingByHand(nn.Module):
    def forward(self, z):
        mode = torch.floor((torch.atan2(z[:, 1], z[:, 0]) + math.pi) / (2 * math.pi) * 8) % 8
        angle = mode * 2 * math.pi / 8
        return torch.stack([2 * torch.cos(angle), 2 * torch.sin(angle)], dim=1) + 0.02 * z


def train_ring_gan(seed=0, steps=3000):
    torch.manual_seed(seed)
    G = RingByHand()
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    opt.step()
    return G.eval()
