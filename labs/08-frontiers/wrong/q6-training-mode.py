# question: q6
# mistake: attacks the model in training mode (dropout on)
import torch
import torch.nn.functional as F


def adversarial_batch(model, x, t, generator, eps=0.1):
    start = (torch.rand(x.shape, generator=generator, dtype=x.dtype) * 2 - 1) * eps
    x0 = (x + start).clamp(0, 1).requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x0), t), x0)
    stepped = x0.detach() + 1.25 * eps * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1).detach()
