# question: q3
# mistake: crops the padded gradient from the top-left corner, so with padding the gradient is
# shifted by the padding width
import numpy as np


def conv_backward(dout, cache):
    x, params, stride, padding = cache
    W = params["W"]
    _, _, KH, KW = W.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(float)
    dxp = np.zeros_like(xp)
    dW = np.zeros(W.shape)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + KH)
            cols = slice(j * stride, j * stride + KW)
            g = dout[:, :, i, j]
            dW += np.tensordot(g, xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(g, W, axes=([1], [0]))
    H, Wd = x.shape[2], x.shape[3]
    return dxp[:, :, :H, :Wd], {"W": dW, "b": dout.sum(axis=(0, 2, 3))}
