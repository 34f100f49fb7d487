# question: q4
# mistake: returns rank 0's gradients, as if the other ranks agreed with it
import torch
import torch.nn.functional as F


def allreduce_mean(rank_grads):
    return [g.clone() for g in rank_grads[0]]
