# question: q2
# mistake: measures the clean images, ignoring the attack
import torch
import torch.nn.functional as F


def accuracy_under_attack(model, X, t, epsilons, attack):
    model.eval()
    out = []
    for eps in epsilons:
        attack(model, X, t, eps)
        with torch.no_grad():
            out.append((model(X).argmax(dim=1) == t).float().mean().item())
    return out
