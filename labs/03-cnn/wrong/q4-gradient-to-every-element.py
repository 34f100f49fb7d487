# question: q4
# mistake: spreads each window's gradient to all of its elements (that is average pooling's
# pattern, without the 1/k^2), instead of only to the maximum
import numpy as np


def maxpool_backward(dout, cache):
    x, size, stride = cache
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += \
                dout[:, :, i, j][:, :, None, None]
    return dx
