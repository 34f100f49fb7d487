# question: q2
# mistake: rescales to max_norm even when the gradient is already shorter, so small gradients
# are blown up
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=float)) for g in grads)))
    return [g * (max_norm / total_norm) for g in grads], total_norm
