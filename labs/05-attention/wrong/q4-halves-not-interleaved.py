# question: q4
# mistake: writes all the sines in the first half of the columns and all the cosines in the
# second
import numpy as np


def sinusoidal_encoding(S, D):
    s = np.arange(S)[:, None]
    omega = 10000.0 ** (-np.arange(0, D, 2) / D)
    P = np.zeros((S, D))
    P[:, :D // 2] = np.sin(s * omega)
    P[:, D // 2:] = np.cos(s * omega)
    return P
