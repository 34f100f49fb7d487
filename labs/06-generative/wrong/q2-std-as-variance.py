# question: q2
# mistake: puts the standard deviation exp(logvar / 2) where the variance belongs
import torch


def gaussian_kl(mu, logvar):
    return 0.5 * (mu ** 2 + torch.exp(0.5 * logvar) - logvar - 1).sum(dim=-1)
