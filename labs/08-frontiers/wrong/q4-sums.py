# question: q4
# mistake: sums over the ranks, as all_reduce does, without dividing by R
import torch
import torch.nn.functional as F


def allreduce_mean(rank_grads):
    return [torch.stack(g).sum(dim=0) for g in zip(*rank_grads)]
