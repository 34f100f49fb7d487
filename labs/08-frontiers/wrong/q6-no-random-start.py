# question: q6
# mistake: plain FGSM of 1.25 eps from x itself, without the random start
import torch
import torch.nn.functional as F


def adversarial_batch(model, x, t, generator, eps=0.1):
    x0 = x.detach().clone().requires_grad_(True)
    model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x0), t), x0)
    stepped = x0.detach() + 1.25 * eps * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1).detach()
