# question: q4
# mistake: treats a margin of exactly 0 as correct, so training never starts from w = 0
import numpy as np


def perceptron_update(w, b, x, y, lr=1.0):
    if y * (w @ x + b) < 0:
        return w + lr * y * x, b + lr * y
    return w, b
