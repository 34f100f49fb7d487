# question: q3
# mistake: takes the gradient at the original x instead of the current attack
import torch
import torch.nn.functional as F


def pgd_step(model, x_adv, x, t, eps, alpha):
    model.eval()
    x0 = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x0), t), x0)
    stepped = x_adv.detach() + alpha * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1)
