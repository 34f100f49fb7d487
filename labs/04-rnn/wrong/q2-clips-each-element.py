# question: q2
# mistake: clips each entry to [-max_norm, max_norm] (clipping by value), which changes the
# direction of the gradient
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=float)) for g in grads)))
    return [np.clip(g, -max_norm, max_norm) for g in grads], total_norm
