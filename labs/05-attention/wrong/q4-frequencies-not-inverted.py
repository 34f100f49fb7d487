# question: q4
# mistake: multiplies by 10000^(2i/D) instead of dividing, so the columns turn ever faster
import numpy as np


def sinusoidal_encoding(S, D):
    s = np.arange(S)[:, None]
    omega = 10000.0 ** (np.arange(0, D, 2) / D)
    P = np.zeros((S, D))
    P[:, 0::2] = np.sin(s * omega)
    P[:, 1::2] = np.cos(s * omega)
    return P
