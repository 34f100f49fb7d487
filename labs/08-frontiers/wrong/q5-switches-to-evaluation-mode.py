# question: q5
# mistake: puts the model in evaluation mode and leaves it there
import torch
import torch.nn.functional as F


def rank_gradients(model, X, t, R):
    model.eval()
    size = len(X) // R
    out = []
    for r in range(R):
        s = slice(r * size, (r + 1) * size)
        loss = F.cross_entropy(model(X[s]), t[s])
        grads = torch.autograd.grad(loss, list(model.parameters()))
        out.append([g.detach().clone() for g in grads])
    return out
