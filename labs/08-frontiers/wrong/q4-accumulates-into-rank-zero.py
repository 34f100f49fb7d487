# question: q4
# mistake: adds the other ranks into rank 0's tensors in place and divides them in place
import torch
import torch.nn.functional as F


def allreduce_mean(rank_grads):
    total = rank_grads[0]
    for rank in rank_grads[1:]:
        for a, b in zip(total, rank):
            a.add_(b)
    for a in total:
        a.div_(len(rank_grads))
    return total
