# question: q6
# mistake: draws new noise for the generator's update instead of reusing the batch D just saw
import torch
import torch.nn.functional as F


def gan_step(G, D, opt_G, opt_D, real, z):
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(G(z).detach())).mean()
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = F.softplus(-D(G(torch.randn_like(z)))).mean()
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
