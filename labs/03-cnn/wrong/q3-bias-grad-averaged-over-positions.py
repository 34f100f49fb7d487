# question: q3
# mistake: averages the bias gradient over the output positions instead of summing it; every
# position uses the same bias, so each adds its share
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
    dx = dxp[:, :, padding:padding + H, padding:padding + Wd]
    return dx, {"W": dW, "b": dout.sum(axis=0).mean(axis=(1, 2))}
