# question: q5
# mistake: feeds the 0/1 labels to the rule instead of -1/+1, so class 0 never moves the weights
import numpy as np


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if y_i * (w @ x_i + b) <= 0:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, y_i, lr)
        if mistakes == 0:
            return w, b, epoch
    return w, b, max_epochs
