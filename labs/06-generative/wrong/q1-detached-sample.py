# question: q1
# mistake: computes the right z but detaches it, so the encoder would never learn
import torch


def reparameterise(mu, logvar, eps):
    return (mu + torch.exp(0.5 * logvar) * eps).detach()
