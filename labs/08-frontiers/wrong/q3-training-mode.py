# question: q3
# mistake: takes the gradient with the model in training mode (dropout on)
import torch
import torch.nn.functional as F


def pgd_step(model, x_adv, x, t, eps, alpha):
    x_adv = x_adv.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), t), x_adv)
    stepped = x_adv.detach() + alpha * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1)
