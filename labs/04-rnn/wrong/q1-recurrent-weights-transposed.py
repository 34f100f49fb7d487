# question: q1
# mistake: multiplies the previous state by W_hh transposed (PyTorch's storage order, h W_hh^T),
# which is a different layer unless W_hh happens to be symmetric
import numpy as np


def rnn_step(x, h_prev, params):
    return np.tanh(x @ params["W_xh"] + h_prev @ params["W_hh"].T + params["b_h"])


def rnn_forward(x, h0, params):
    h, states = h0, []
    for s in range(x.shape[1]):
        h = rnn_step(x[:, s], h, params)
        states.append(h)
    return np.stack(states, axis=1)
