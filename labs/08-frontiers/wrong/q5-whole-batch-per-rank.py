# question: q5
# mistake: every rank computes the gradient on the whole batch
import torch
import torch.nn.functional as F


def rank_gradients(model, X, t, R):
    out = []
    for _ in range(R):
        loss = F.cross_entropy(model(X), t)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        out.append([g.detach().clone() for g in grads])
    return out
