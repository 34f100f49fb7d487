# question: q5
# mistake: trains for a handful of mini-batches only (breaks out of the loop after 10 steps),
# far from the target accuracy
import torch
from torch import nn


def train_cnn(X_train, y_train, seed=0):
    torch.manual_seed(seed)
    X, y = torch.as_tensor(X_train), torch.as_tensor(y_train)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 14 * 14, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
    for step, batch in enumerate(torch.randperm(len(X)).split(64)):
        if step == 10:
            break
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X[batch]), y[batch]).backward()
        optimizer.step()
    return model.eval()
