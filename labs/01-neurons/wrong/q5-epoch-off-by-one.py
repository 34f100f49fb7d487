# question: q5
# mistake: reports the 0-based index of the last epoch instead of the number of epochs run
import numpy as np


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    signs = 2 * np.asarray(y) - 1
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, s_i in zip(X, signs):
            if s_i * (w @ x_i + b) <= 0:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, s_i, lr)
        if mistakes == 0:
            return w, b, epoch
    return w, b, max_epochs
