# question: q2
# mistake: computes the strided output size but slides the window one pixel at a time, so the
# output holds the top-left corner of the unstrided result
import numpy as np


def conv_forward(x, params, stride=1, padding=0):
    W, b = params["W"], params["b"]
    N, C, H, Wd = x.shape
    F, _, KH, KW = W.shape
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (Wd + 2 * padding - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i:i + KH, j:j + KW]
            out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, params, stride, padding)
