# question: q3
# mistake: applies tanh instead of the sigmoid to the output gate, so it can flip the sign of
# the state instead of only letting part of it through
import numpy as np


def lstm_cell(x, h_prev, c_prev, params):
    z = x @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, g, o = np.split(z, 4, axis=1)
    sig = lambda v: np.exp(-np.logaddexp(0.0, -v))  # noqa: E731
    c = sig(f) * c_prev + sig(i) * np.tanh(g)
    return np.tanh(o) * np.tanh(c), c
