# question: q1
# mistake: divides the scores by d instead of sqrt(d)
import numpy as np


def attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / q.shape[-1]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)  # noqa: F821 - the notebook's helper
    return weights @ v, weights
