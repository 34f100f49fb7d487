# question: q6
# mistake: draws the start from [0, eps] instead of [-eps, eps]
import torch
import torch.nn.functional as F


def adversarial_batch(model, x, t, generator, eps=0.1):
    start = torch.rand(x.shape, generator=generator, dtype=x.dtype) * eps
    x0 = (x + start).clamp(0, 1).requires_grad_(True)
    model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x0), t), x0)
    stepped = x0.detach() + 1.25 * eps * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1).detach()
