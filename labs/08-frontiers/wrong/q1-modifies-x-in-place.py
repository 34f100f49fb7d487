# question: q1
# mistake: adds the step to x in place, so the caller loses the clean images
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    model.eval()
    x.requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    x.requires_grad_(False)
    with torch.no_grad():
        x.add_(eps * grad.sign()).clamp_(0, 1)
    return x.clone()
