# question: q1
# mistake: attacks the model's own predictions instead of the targets t
import torch
import torch.nn.functional as F


def fgsm(model, x, t, eps):
    model.eval()
    x = x.detach().clone().requires_grad_(True)
    logits = model(x)
    (grad,) = torch.autograd.grad(F.cross_entropy(logits, logits.argmax(dim=1)), x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()
