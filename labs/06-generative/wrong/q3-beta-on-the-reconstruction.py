# question: q3
# mistake: puts beta on the reconstruction term instead of the KL
import torch
import torch.nn.functional as F


def vae_loss(x, logits, kl, beta=1.0):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    return (beta * bce.flatten(1).sum(dim=1) + kl).mean()
