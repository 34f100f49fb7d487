# question: q4
# mistake: builds the mask with window == window.max(), so a window with a tie sends its
# gradient to every maximum (counting it twice or more) instead of the first one
import numpy as np


def maxpool_backward(dout, cache):
    x, size, stride = cache
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += \
                mask * dout[:, :, i, j][:, :, None, None]
    return dx
