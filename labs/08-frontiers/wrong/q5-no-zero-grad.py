# question: q5
# mistake: never clears p.grad, so each rank's gradient includes the ranks before it
import torch
import torch.nn.functional as F


def rank_gradients(model, X, t, R):
    size = len(X) // R
    out = []
    for r in range(R):
        F.cross_entropy(model(X[r * size:(r + 1) * size]), t[r * size:(r + 1) * size]).backward()
        out.append([p.grad.detach().clone() for p in model.parameters()])
    return out
