# question: q2
# mistake: flips the kernel, computing the mathematician's convolution instead of the
# cross-correlation that deep-learning layers (and the question) use
import numpy as np


def conv_forward(x, params, stride=1, padding=0):
    W, b = params["W"][:, :, ::-1, ::-1], params["b"]
    N, C, H, Wd = x.shape
    F, _, KH, KW = W.shape
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (Wd + 2 * padding - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, params, stride, padding)
