# question: q2
# mistake: keeps the upper triangle: every query sees the future and not the past
import numpy as np


def causal_mask(S_q, S_k):
    return np.triu(np.ones((S_q, S_k), dtype=bool), k=S_k - S_q)
