# question: q3
# mistake: passes the image as the logits and the logits as the target
import torch
import torch.nn.functional as F


def vae_loss(x, logits, kl, beta=1.0):
    bce = F.binary_cross_entropy_with_logits(x, logits, reduction="none")
    return (bce.flatten(1).sum(dim=1) + beta * kl).mean()
