# question: q2
# mistake: sums over the batch as well, returning one number instead of one per example
import torch


def gaussian_kl(mu, logvar):
    return 0.5 * (mu ** 2 + torch.exp(logvar) - logvar - 1).sum()
