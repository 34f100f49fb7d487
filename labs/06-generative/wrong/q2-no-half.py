# question: q2
# mistake: forgets the factor 1/2
import torch


def gaussian_kl(mu, logvar):
    return (mu ** 2 + torch.exp(logvar) - logvar - 1).sum(dim=-1)
