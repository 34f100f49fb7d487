# question: q4
# mistake: takes one over the mean probability of the targets instead of the exponential of the
# mean negative log-probability (an arithmetic instead of a geometric mean)
import numpy as np


def perplexity(logits, targets):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)
    return float(1.0 / picked.mean())
