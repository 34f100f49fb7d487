# question: q1
# mistake: sets masked scores to 0 instead of minus infinity, so masked keys still get weight
import numpy as np


def attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    weights = softmax(scores, axis=-1)  # noqa: F821 - the notebook's helper
    return weights @ v, weights
