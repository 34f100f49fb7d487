# question: q2
# mistake: sorts the budgets, so the accuracies come back in another order
import torch
import torch.nn.functional as F


def accuracy_under_attack(model, X, t, epsilons, attack):
    model.eval()
    out = []
    for eps in sorted(epsilons):
        X_adv = attack(model, X, t, eps)
        with torch.no_grad():
            out.append((model(X_adv).argmax(dim=1) == t).float().mean().item())
    return out
