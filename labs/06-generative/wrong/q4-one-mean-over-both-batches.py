# question: q4
# mistake: averages over the real and generated examples together, which halves the loss
# and weighs the larger batch more
import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    return torch.cat([F.softplus(-real_logits).flatten(), F.softplus(fake_logits).flatten()]).mean()
