# question: q5
# mistake: uses the discriminator's label 0 for the fakes, so the generator learns to be caught
import torch
import torch.nn.functional as F


def generator_loss(fake_logits):
    return F.softplus(fake_logits).mean()
