# question: q3
# mistake: projects onto the L2 ball of radius eps instead of the L-infinity ball
import torch
import torch.nn.functional as F


def pgd_step(model, x_adv, x, t, eps, alpha):
    model.eval()
    x_adv = x_adv.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), t), x_adv)
    delta = x_adv.detach() + alpha * grad.sign() - x
    norms = delta.flatten(1).norm(dim=1).clamp(min=1e-12).view(-1, *[1] * (delta.dim() - 1))
    return (x + delta * (eps / norms).clamp(max=1.0)).clamp(0, 1)
