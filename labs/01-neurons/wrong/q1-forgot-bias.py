# question: q1
# mistake: forgets to add the bias b
import numpy as np


def neuron_forward(X, w, b):
    return X @ w
