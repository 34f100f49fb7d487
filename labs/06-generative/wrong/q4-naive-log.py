# question: q4
# mistake: takes log(sigmoid(d)) and log(1 - sigmoid(d)) directly, which overflow to -inf for
# confident logits
import torch


def discriminator_loss(real_logits, fake_logits):
    return (-torch.log(torch.sigmoid(real_logits)).mean()
            - torch.log(1 - torch.sigmoid(fake_logits)).mean())
