# question: q6
# mistake: keeps the step of 1.25 eps without projecting back onto the eps-ball
import torch
import torch.nn.functional as F


def adversarial_batch(model, x, t, generator, eps=0.1):
    start = (torch.rand(x.shape, generator=generator, dtype=x.dtype) * 2 - 1) * eps
    x0 = (x + start).clamp(0, 1).requires_grad_(True)
    model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x0), t), x0)
    return (x0.detach() + 1.25 * eps * grad.sign()).clamp(0, 1)
