# question: q5
# mistake: declares convergence at the first correctly classified example, mid-epoch
import numpy as np


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    signs = 2 * np.asarray(y) - 1
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(1, max_epochs + 1):
        for x_i, s_i in zip(X, signs):
            if s_i * (w @ x_i + b) > 0:
                return w, b, epoch
            w, b = perceptron_update(w, b, x_i, s_i, lr)
    return w, b, max_epochs
