# question: q7
# mistake: collects the norms while walking backwards from the output, so the list starts with
# the last layer
import numpy as np
import torch
from torch import nn


def gradient_norms(activation="sigmoid", depth=10, width=64, seed=0):
    X, y = torch.as_tensor(split.X_train[:256]), torch.as_tensor(split.y_train[:256])
    torch.manual_seed(seed)
    sizes = [X.shape[1]] + [width] * (depth - 1) + [10]
    modules = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        modules.append(linear)
        if i < depth - 1:
            modules.append(nn.Sigmoid() if activation == "sigmoid" else nn.ReLU())
    nn.functional.cross_entropy(nn.Sequential(*modules)(X), y).backward()
    linears = [m for m in modules if isinstance(m, nn.Linear)]
    return np.array([m.weight.grad.norm().item() for m in reversed(linears)])
