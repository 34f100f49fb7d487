# question: q6
# mistake: takes the gradient at the clean x instead of at the random start
import torch
import torch.nn.functional as F


def adversarial_batch(model, x, t, generator, eps=0.1):
    start = (torch.rand(x.shape, generator=generator, dtype=x.dtype) * 2 - 1) * eps
    x0 = (x + start).clamp(0, 1)
    xg = x.detach().clone().requires_grad_(True)
    model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(model(xg), t), xg)
    stepped = x0 + 1.25 * eps * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1)
