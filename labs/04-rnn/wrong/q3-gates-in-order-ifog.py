# question: q3
# mistake: reads the four blocks in the order i, f, o, g (a common textbook order) instead of
# PyTorch's i, f, g, o, so the output gate and the candidate swap places
import numpy as np


def lstm_cell(x, h_prev, c_prev, params):
    z = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, o, g = np.split(z, 4, axis=1)
    sig = lambda v: np.exp(-np.logaddexp(0.0, -v))  # noqa: E731
    c = sig(f) * c_prev + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c), c
