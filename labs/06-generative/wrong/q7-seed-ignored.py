# question: q7
# mistake: never seeds PyTorch, so the same seed gives a different generator each time
import torch
import torch.nn.functional as F
from torch import nn


def train_ring_gan(seed=0, steps=3000):
    pass
    G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    D = nn.Sequential(nn.Linear(2 * 2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 1))
    opt_G = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))

    def pairs(x):
        return x.reshape(-1, 2 * 2)

    for real in ring_batches(steps, seed=0):  # noqa: F821 - the notebook's helper
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
