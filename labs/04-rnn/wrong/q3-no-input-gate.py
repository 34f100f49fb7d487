# question: q3
# mistake: adds the candidate to the cell state without the input gate
import numpy as np


def lstm_cell(x, h_prev, c_prev, params):
    z = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, g, o = np.split(z, 4, axis=1)
    sig = lambda v: np.exp(-np.logaddexp(0.0, -v))  # noqa: E731
    c = sig(f) * c_prev + np.tanh(g)
    return sig(o) * np.tanh(c), c
