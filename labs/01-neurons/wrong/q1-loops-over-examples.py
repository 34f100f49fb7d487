# question: q1
# mistake: right values, but built with a Python loop over the examples, which the prompt rules
# out (slow for large batches)
import numpy as np


def xor_features(X):
    return np.array([[float(x1), float(x2), float(x1 * x2)] for x1, x2 in X])
