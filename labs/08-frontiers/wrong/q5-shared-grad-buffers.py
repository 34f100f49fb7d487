# question: q5
# mistake: zeroes p.grad in place and returns p.grad itself: every rank holds the same buffers
import torch
import torch.nn.functional as F


def rank_gradients(model, X, t, R):
    size = len(X) // R
    out = []
    for r in range(R):
        for p in model.parameters():
            if p.grad is not None:
                p.grad.zero_()
        s = slice(r * size, (r + 1) * size)
        F.cross_entropy(model(X[s]), t[s]).backward()
        out.append([p.grad for p in model.parameters()])
    return out
