# question: q2
# mistake: uses the sum of squares as the norm (no square root)
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(sum(np.sum(np.square(g, dtype=float)) for g in grads))
    scale = max_norm / total_norm if total_norm > max_norm else 1.0
    return [g * scale for g in grads], total_norm
