# question: q2
# mistake: treats logvar as the variance sigma^2 itself (so log sigma^2 = log(logvar))
import torch


def gaussian_kl(mu, logvar):
    return 0.5 * (mu ** 2 + logvar - torch.log(logvar) - 1).sum(dim=-1)
