# question: q6
# mistake: never clears the gradients, so each step adds up all the earlier ones
import torch
import torch.nn.functional as F


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()
    d_loss.backward()
    opt_D.step()
    g_loss = F.softplus(-D(fake)).mean()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
