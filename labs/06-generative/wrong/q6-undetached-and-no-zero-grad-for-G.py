# question: q6
# mistake: feeds D the generated batch without detaching it and never clears G's gradients,
# so the discriminator's loss also pushes the generator
import torch
import torch.nn.functional as F


def gan_step(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
    opt_D.zero_grad()
    d_loss.backward(retain_graph=True)
    opt_D.step()
    g_loss = F.softplus(-D(fake)).mean()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()
