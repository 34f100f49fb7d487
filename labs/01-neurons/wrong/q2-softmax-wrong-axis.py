# question: q2
# mistake: normalises each column instead of each row
import numpy as np


def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    exps = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exps / exps.sum(axis=0, keepdims=True)
