# question: q2
# mistake: aligns the triangle to the top-left corner, as is_causal=True does, so fewer queries
# than keys hide most of the past
import numpy as np


def causal_mask(S_q, S_k):
    return np.tril(np.ones((S_q, S_k), dtype=bool))
