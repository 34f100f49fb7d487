# question: q3
# mistake: applies a sigmoid to the logits before a loss that applies its own
import torch
import torch.nn.functional as F


def vae_loss(x, logits, kl, beta=1.0):
    bce = F.binary_cross_entropy_with_logits(torch.sigmoid(logits), x, reduction="none")
    return (bce.flatten(1).sum(dim=1) + beta * kl).mean()
