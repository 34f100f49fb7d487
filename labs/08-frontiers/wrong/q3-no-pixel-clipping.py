# question: q3
# mistake: projects onto the ball but not onto the valid pixel range
import torch
import torch.nn.functional as F


def pgd_step(model, x_adv, x, t, eps, alpha):
    model.eval()
    x_adv = x_adv.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), t), x_adv)
    stepped = x_adv.detach() + alpha * grad.sign()
    return x + (stepped - x).clamp(-eps, eps)
