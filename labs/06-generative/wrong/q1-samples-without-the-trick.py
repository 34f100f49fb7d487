# question: q1
# mistake: draws z with torch.normal(mu, std): a fresh sample that ignores eps, whose
# gradient with respect to mu and logvar is zero (autograd accepts it without complaint)
import torch


def reparameterise(mu, logvar, eps):
    return torch.normal(mu, torch.exp(0.5 * logvar))
