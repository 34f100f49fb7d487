# question: q4
# mistake: uses the exponent i/D of the pair index instead of 2i/D, so the frequencies fall
# only half as far
import numpy as np


def sinusoidal_encoding(S, D):
    s = np.arange(S)[:, None]
    omega = 10000.0 ** (-np.arange(D // 2) / D)
    P = np.zeros((S, D))
    P[:, 0::2] = np.sin(s * omega)
    P[:, 1::2] = np.cos(s * omega)
    return P
