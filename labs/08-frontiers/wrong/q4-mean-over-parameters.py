# question: q4
# mistake: averages each rank's parameters together instead of each parameter over the ranks
import torch
import torch.nn.functional as F


def allreduce_mean(rank_grads):
    return [torch.stack([g.double().mean() for g in rank]).mean() for rank in rank_grads]
