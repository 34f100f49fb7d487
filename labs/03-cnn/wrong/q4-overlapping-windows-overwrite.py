# question: q4
# mistake: assigns the gradient (=) instead of adding it (+=), so where windows overlap an
# element that is the maximum of two windows keeps only the last window's gradient
import numpy as np


def maxpool_backward(dout, cache):
    x, size, stride = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    n, k = np.indices((N, C))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            r, c = np.divmod(window.reshape(N, C, -1).argmax(axis=2), size)
            dx[n, k, i * stride + r, j * stride + c] = dout[:, :, i, j]
    return dx
