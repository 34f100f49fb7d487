# question: q1
# mistake: forgets to divide the scores by sqrt(d), so wide keys give near one-hot weights
import numpy as np


def attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)  # noqa: F821 - the notebook's helper
    return weights @ v, weights
