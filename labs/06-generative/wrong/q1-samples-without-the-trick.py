# question: q1
# mistake: draws z with torch.normal(mu, std): a fresh sample that ignores eps,
# through which no gradient reaches mu or logvar
import torch


def reparameterise(mu, logvar, eps):
    return torch.normal(mu, torch.exp(0.5 * logvar))
