# question: q2
# mistake: clips each array by its own norm instead of by the norm of all of them together
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=float)) for g in grads)))
    clipped = []
    for g in grads:
        norm = float(np.sqrt(np.sum(np.square(g, dtype=float))))
        clipped.append(g * (max_norm / norm) if norm > max_norm else g * 1.0)
    return clipped, total_norm
