# question: q4
# mistake: subtracts y * x instead of adding it, pushing the boundary the wrong way
import numpy as np


def perceptron_update(w, b, x, y, lr=1.0):
    if y * (w @ x + b) <= 0:
        return w - lr * y * x, b - lr * y
    return w, b
