# question: q1
# mistake: attacks the model in training mode (dropout on)
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()
