# question: q3
# mistake: writes the cross-entropy with log(sigmoid(logits)), which is -inf for very negative
# logits
import torch


def vae_loss(x, logits, kl, beta=1.0):
    p = torch.sigmoid(logits)
    bce = -(x * torch.log(p) + (1 - x) * torch.log(1 - p))
    return (bce.flatten(1).sum(dim=1) + beta * kl).mean()
