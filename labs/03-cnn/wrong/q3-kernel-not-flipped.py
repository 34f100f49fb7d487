# question: q3
# mistake: writes dx as a full convolution of dout with the kernel as it is; the kernel must be
# rotated by 180 degrees (and this shortcut only holds for stride 1 anyway)
import numpy as np


def conv_backward(dout, cache):
    x, params, stride, padding = cache
    W = params["W"]
    F, C, KH, KW = W.shape
    N, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(float)
    dW = np.zeros(W.shape)
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            dW += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
    full = np.pad(dout, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    Hp, Wp = xp.shape[2:]
    dxp = np.zeros((N, C, Hp, Wp))
    for r in range(min(Hp, full.shape[2] - KH + 1)):
        for c in range(min(Wp, full.shape[3] - KW + 1)):
            dxp[:, :, r, c] = np.tensordot(full[:, :, r:r + KH, c:c + KW], W,
                                           axes=([1, 2, 3], [0, 2, 3]))
    H, Wd = x.shape[2:]
    return dxp[:, :, padding:padding + H, padding:padding + Wd], {"W": dW,
                                                                  "b": dout.sum(axis=(0, 2, 3))}
