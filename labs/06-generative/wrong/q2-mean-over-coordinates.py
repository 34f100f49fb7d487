# question: q2
# mistake: averages over the J coordinates instead of adding them up
import torch


def gaussian_kl(mu, logvar):
    return 0.5 * (mu ** 2 + torch.exp(logvar) - logvar - 1).mean(dim=-1)
