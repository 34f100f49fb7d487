# question: q2
# mistake: lets every query see one key past its own position: the model can read the character
# it must predict
import numpy as np


def causal_mask(S_q, S_k):
    return np.tril(np.ones((S_q, S_k), dtype=bool), k=S_k - S_q + 1)
