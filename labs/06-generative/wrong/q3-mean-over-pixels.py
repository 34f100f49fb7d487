# question: q3
# mistake: averages the cross-entropy over the pixels (PyTorch's default reduction), which
# shrinks the reconstruction term D times against the KL
import torch
import torch.nn.functional as F


def vae_loss(x, logits, kl, beta=1.0):
    return F.binary_cross_entropy_with_logits(logits, x) + beta * kl.mean()
