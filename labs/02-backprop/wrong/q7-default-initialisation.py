# question: q7
# mistake: keeps PyTorch's default initialisation instead of the He initialisation the question
# fixes, so the measured norms belong to a different network
import numpy as np
import torch
from torch import nn


def gradient_norms(activation="sigmoid", depth=10, width=64, seed=0):
    X, y = torch.as_tensor(split.X_train[:256]), torch.as_tensor(split.y_train[:256])
    torch.manual_seed(seed)
    sizes = [X.shape[1]] + [width] * (depth - 1) + [10]
    modules = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        modules.append(nn.Linear(fan_in, fan_out))
        if i < depth - 1:
            modules.append(nn.Sigmoid() if activation == "sigmoid" else nn.ReLU())
    net = nn.Sequential(*modules)
    nn.functional.cross_entropy(net(X), y).backward()
    return np.array([m.weight.grad.norm().item() for m in modules if isinstance(m, nn.Linear)])
