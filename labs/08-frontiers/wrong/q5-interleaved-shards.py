# question: q5
# mistake: deals the examples out round-robin (X[r::R]) instead of in contiguous shards
import torch
import torch.nn.functional as F


def rank_gradients(model, X, t, R):
    return [[g.detach().clone() for g in torch.autograd.grad(
        F.cross_entropy(model(X[r::R]), t[r::R]), list(model.parameters()))] for r in range(R)]
