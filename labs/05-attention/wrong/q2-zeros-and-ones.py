# question: q2
# mistake: returns 0/1 floats instead of booleans (PyTorch adds a float mask to the scores
# rather than blocking keys)
import numpy as np


def causal_mask(S_q, S_k):
    return np.tril(np.ones((S_q, S_k)), k=S_k - S_q)
