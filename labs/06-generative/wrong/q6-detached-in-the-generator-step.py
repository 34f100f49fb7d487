# question: q6
# mistake: detaches the generated batch in the generator's step too, so no gradient reaches G
import torch
import torch.nn.functional as F


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = F.softplus(-D(fake.detach())).mean()
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
