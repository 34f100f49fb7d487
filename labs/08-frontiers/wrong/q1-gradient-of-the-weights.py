# question: q1
# mistake: perturbs the weights along their gradient instead of the input
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    model.eval()
    loss = F.cross_entropy(model(x), t)
    grads = torch.autograd.grad(loss, list(model.parameters()))
    with torch.no_grad():
        for p, g in zip(model.parameters(), grads):
            p.add_(eps * g.sign())
    return x.clone()
