# question: q5
# mistake: minimises log(1 - D(G(z))), the saturating loss, whose gradient vanishes when the
# discriminator rejects the fakes
import torch
import torch.nn.functional as F


def generator_loss(fake_logits):
    return -F.softplus(fake_logits).mean()
