# question: q1
# mistake: zeroes the masked weights after the softmax, so the weights left no longer sum to 1
import numpy as np


def attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    weights = softmax(scores, axis=-1)  # noqa: F821 - the notebook's helper
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights
