# question: q3
# mistake: reshapes (N, S, D) straight to (N, n_heads, S, d), which mixes positions and heads
import numpy as np


def multi_head_attention(x_q, x_kv, params, n_heads, mask=None):
    N, S_q, D = x_q.shape
    S_k, d = x_kv.shape[1], D // n_heads
    q = x_q @ params["W_q"] + params["b_q"]
    k = x_kv @ params["W_k"] + params["b_k"]
    v = x_kv @ params["W_v"] + params["b_v"]
    q = q.reshape(N, n_heads, S_q, d)
    k = k.reshape(N, n_heads, S_k, d)
    v = v.reshape(N, n_heads, S_k, d)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    heads = softmax(scores, axis=-1) @ v  # noqa: F821 - the notebook's helper
    concat = heads.reshape(N, S_q, D)
    return concat @ params["W_o"] + params["b_o"]
