# question: q1
# mistake: sums the products over the wrong axis (over examples instead of features)
import numpy as np


def neuron_forward(X, w, b):
    return (X * w).sum(axis=0) + b
