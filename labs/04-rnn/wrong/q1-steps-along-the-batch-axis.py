# question: q1
# mistake: treats the first axis as time (x[s] instead of x[:, s]), as a time-first layout would,
# so on batch-first input it steps through the examples instead of the characters
import numpy as np


def rnn_step(x, h_prev, params):
    return np.tanh(x @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


def rnn_forward(x, h0, params):
    h, states = h0, []
    for s in range(x.shape[0]):
        h = rnn_step(x[s], h, params)
        states.append(h)
    return np.stack(states, axis=1)
