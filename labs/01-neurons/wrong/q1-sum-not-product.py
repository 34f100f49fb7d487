# question: q1
# mistake: adds x1 + x2 as the third feature; a sum is a linear function of the inputs, so XOR
# stays inseparable however the weights are chosen
import numpy as np


def xor_features(X):
    X = np.asarray(X, dtype=float)
    return np.column_stack([X[:, 0], X[:, 1], X[:, 0] + X[:, 1]])


w_xor = np.array([1.0, 1.0, -1.0])
b_xor = -0.5
