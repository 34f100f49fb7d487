# question: q7
# mistake: trains a plain GAN, whose discriminator sees one example at a time: it collapses
# onto some of the modes
import torch
import torch.nn.functional as F
from torch import nn


def train_ring_gan(seed=0, steps=3000):
    torch.manual_seed(seed)
    G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    D = nn.Sequential(nn.Linear(2 * 1, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 1))
    opt_G = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))

    def pairs(x):
        return x.reshape(-1, 2 * 1)

    for real in ring_batches(steps, seed=seed):  # noqa: F821 - the notebook's helper
        fake = G(torch.randn(len(real), 2))
        d_loss = F.softplus(-D(pairs(real))).mean() + F.softplus(D(pairs(fake.detach()))).mean()
        opt_D.zero_grad()
        d_loss.backward()
        opt_D.step()
        g_loss = F.softplus(-D(pairs(fake))).mean()
        opt_G.zero_grad()
        g_loss.backward()
        opt_G.step()
    return G.eval()
