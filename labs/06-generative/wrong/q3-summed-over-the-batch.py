# question: q3
# mistake: sums over the batch instead of averaging, so the loss grows with the batch size
import torch
import torch.nn.functional as F


def vae_loss(x, logits, kl, beta=1.0):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    return (bce.flatten(1).sum(dim=1) + beta * kl).sum()
