# question: q4
# mistake: returns rank 0's own tensors when R = 1, so an update of the mean changes them
import torch
import torch.nn.functional as F


def allreduce_mean(rank_grads):
    if len(rank_grads) == 1:
        return list(rank_grads[0])
    return [torch.stack(g).mean(dim=0) for g in zip(*rank_grads)]
