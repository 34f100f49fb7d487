# question: q5
# mistake: takes -log(sigmoid(d)) directly, which is inf for a confidently rejected fake
import torch


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
