# question: q1
# mistake: squashes the hidden state with the logistic sigmoid instead of tanh (states in (0, 1))
import numpy as np


def rnn_step(x, h_prev, params):
    return 1 / (1 + np.exp(-(x @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])))


def rnn_forward(x, h0, params):
    h, states = h0, []
    for s in range(x.shape[1]):
        h = rnn_step(x[:, s], h, params)
        states.append(h)
    return np.stack(states, axis=1)
