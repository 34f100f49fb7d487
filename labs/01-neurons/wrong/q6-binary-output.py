# question: q6
# mistake: one output unit with a sigmoid, so the model cannot return one logit per class
import torch
from torch import nn


def train_classifier(X_train, y_train, seed=0):
    torch.manual_seed(seed)
    X = torch.as_tensor(X_train, dtype=torch.float32)
    y = torch.as_tensor(y_train, dtype=torch.float32)
    model = nn.Sequential(nn.Linear(X.shape[1], 16), nn.ReLU(), nn.Linear(16, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(100):
        optimizer.zero_grad()
        loss_fn(model(X)[:, 0], y).backward()
        optimizer.step()
    return model
