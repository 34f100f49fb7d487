# question: q3
# mistake: splits the columns as (d, n_heads), so head h takes every n_heads-th column instead
# of one block of d
import numpy as np


def multi_head_attention(x_q, x_kv, params, n_heads, mask=None):
    N, S_q, D = x_q.shape
    S_k, d = x_kv.shape[1], D // n_heads
    q = x_q @ params["W_q"] + params["b_q"]
    k = x_kv @ params["W_k"] + params["b_k"]
    v = x_kv @ params["W_v"] + params["b_v"]
    q = q.reshape(N, S_q, d, n_heads).transpose(0, 3, 1, 2)
    k = k.reshape(N, S_k, d, n_heads).transpose(0, 3, 1, 2)
    v = v.reshape(N, S_k, d, n_heads).transpose(0, 3, 1, 2)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    heads = softmax(scores, axis=-1) @ v  # noqa: F821 - the notebook's helper
    concat = heads.transpose(0, 2, 3, 1).reshape(N, S_q, D)
    return concat @ params["W_o"] + params["b_o"]
