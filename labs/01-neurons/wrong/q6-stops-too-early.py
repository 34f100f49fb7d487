# question: q6
# mistake: stops training after 3 small steps, long before the network has learned anything
import torch
from torch import nn


def train_classifier(X_train, y_train, seed=0):
    torch.manual_seed(seed)
    X = torch.as_tensor(X_train, dtype=torch.float32)
    y = torch.as_tensor(y_train, dtype=torch.long)
    model = nn.Sequential(nn.Linear(X.shape[1], 16), nn.ReLU(), nn.Linear(16, int(y.max()) + 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(3):
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()
    return model
