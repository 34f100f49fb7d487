# question: q4
# mistake: puts the cosines in the even columns and the sines in the odd ones
import numpy as np


def sinusoidal_encoding(S, D):
    s = np.arange(S)[:, None]
    omega = 10000.0 ** (-np.arange(0, D, 2) / D)
    P = np.zeros((S, D))
    P[:, 0::2] = np.cos(s * omega)
    P[:, 1::2] = np.sin(s * omega)
    return P
