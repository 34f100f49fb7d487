# question: q1
# mistake: multiplies the noise by logvar itself, as if it were the standard deviation
import torch


def reparameterise(mu, logvar, eps):
    return mu + logvar * eps
