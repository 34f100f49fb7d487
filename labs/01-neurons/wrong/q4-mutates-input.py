# question: q4
# mistake: updates the caller's weight array in place with +=
import numpy as np


def perceptron_update(w, b, x, y, lr=1.0):
    if y * (w @ x + b) <= 0:
        w += lr * y * x
        b += lr * y
    return w, b
