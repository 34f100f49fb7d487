# question: q5
# mistake: sums over the batch instead of averaging
import torch
import torch.nn.functional as F


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).sum()
