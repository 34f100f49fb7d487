# question: q1
# mistake: uses exp(logvar), the variance, where the standard deviation belongs
import torch


def reparameterise(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps
