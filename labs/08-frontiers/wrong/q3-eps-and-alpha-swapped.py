# question: q3
# mistake: steps by eps and projects onto the ball of radius alpha
import torch
import torch.nn.functional as F


def pgd_step(model, x_adv, x, t, eps, alpha):
    model.eval()
    x_adv = x_adv.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), t), x_adv)
    stepped = x_adv.detach() + eps * grad.sign()
    return (x + (stepped - x).clamp(-alpha, alpha)).clamp(0, 1)
