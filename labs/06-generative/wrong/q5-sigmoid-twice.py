# question: q5
# mistake: applies a sigmoid to the logits before a loss that applies its own
import torch
import torch.nn.functional as F


def generator_loss(fake_logits):
    p = torch.sigmoid(fake_logits)
    return F.binary_cross_entropy_with_logits(p, torch.ones_like(p))
