# question: q4
# mistake: computes the softmax as exp(z) / sum(exp(z)) directly, which overflows to inf / inf
# for logits near 1000
import numpy as np


def perplexity(logits, targets):
    with np.errstate(over="ignore", invalid="ignore"):
        probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(probs, targets[..., None], axis=-1)
        return float(np.exp(-np.log(picked).mean()))
