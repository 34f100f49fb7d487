# question: q2
# mistake: leaves out the -1, so the KL of the prior to itself is not 0
import torch


def gaussian_kl(mu, logvar):
    return 0.5 * (mu ** 2 + torch.exp(logvar) - logvar).sum(dim=-1)
