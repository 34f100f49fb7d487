# question: q1
# mistake: steps against the gradient, which lowers the loss
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    model.eval()
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    return (x - eps * grad.sign()).clamp(0, 1).detach()
