# question: q2
# mistake: flips the sign of the KL divergence, which is never negative
import torch


def gaussian_kl(mu, logvar):
    return -0.5 * (mu ** 2 + torch.exp(logvar) - logvar - 1).sum(dim=-1)
