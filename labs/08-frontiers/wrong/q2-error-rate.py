# question: q2
# mistake: returns the error rate instead of the accuracy
import torch
import torch.nn.functional as F


def accuracy_under_attack(model, X, t, epsilons, attack):
    model.eval()
    out = []
    for eps in epsilons:
        X_adv = attack(model, X, t, eps)
        with torch.no_grad():
            out.append((model(X_adv).argmax(dim=1) != t).float().mean().item())
    return out
