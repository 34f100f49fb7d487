# question: q7
# mistake: trains another architecture, whose weights do not fit small_cnn
import torch
import torch.nn.functional as F


def train_robust_cnn(seed=0, epochs=3, n_train=None):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    X, t = X_train[:n_train], t_train[:n_train]  # noqa: F821
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for i in range(0, len(X), 64):
            x = adversarial_batch(model, X[i:i + 64], t[i:i + 64], g)  # noqa: F821
            model.train()
            loss = F.cross_entropy(model(x), t[i:i + 64])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()
