# question: q4
# mistake: normalises the softmax over the positions (axis 1) instead of the vocabulary
import numpy as np


def perplexity(logits, targets):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)
    return float(np.exp(-picked.mean()))
