# question: q2
# mistake: leaves out the diagonal, so a query may not attend to its own position
import numpy as np


def causal_mask(S_q, S_k):
    return np.tril(np.ones((S_q, S_k), dtype=bool), k=S_k - S_q - 1)
