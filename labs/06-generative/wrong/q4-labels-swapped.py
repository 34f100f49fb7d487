# question: q4
# mistake: gives the real examples label 0 and the generated ones label 1
import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    return F.softplus(real_logits).mean() + F.softplus(-fake_logits).mean()
