# question: q1
# mistake: steps by eps times the gradient instead of its sign
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    model.eval()
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    return (x + eps * grad).clamp(0, 1).detach()
