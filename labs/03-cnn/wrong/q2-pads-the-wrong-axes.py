# question: q2
# mistake: pads the batch and channel axes instead of height and width (np.pad's pad widths are
# listed axis by axis, first axis first)
import numpy as np


def conv_forward(x, params, stride=1, padding=0):
    W, b = params["W"], params["b"]
    F, _, KH, KW = W.shape
    xp = np.pad(x, ((padding, padding), (padding, padding), (0, 0), (0, 0)))
    N, C = x.shape[:2]
    H, Wd = xp.shape[2:]
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (Wd + 2 * padding - KW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:N, :C, i * stride:i * stride + KH, j * stride:j * stride + KW]
            if window.shape[2:] == (KH, KW):
                out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, params, stride, padding)
