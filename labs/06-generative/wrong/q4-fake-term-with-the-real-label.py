# question: q4
# mistake: scores the generated examples with label 1 as well
import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(-fake_logits).mean()
