# question: q4
# mistake: counts positions from 1 instead of 0
import numpy as np


def sinusoidal_encoding(S, D):
    s = np.arange(1, S + 1)[:, None]
    omega = 10000.0 ** (-np.arange(0, D, 2) / D)
    P = np.zeros((S, D))
    P[:, 0::2] = np.sin(s * omega)
    P[:, 1::2] = np.cos(s * omega)
    return P
