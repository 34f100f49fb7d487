# question: q4
# mistake: applies a sigmoid to the logits before a loss that applies its own
import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    real, fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
