# question: q3
# mistake: never applies the mask
import numpy as np


def multi_head_attention(x_q, x_kv, params, n_heads, mask=None):
    N, S_q, D = x_q.shape
    S_k, d = x_kv.shape[1], D // n_heads
    q = x_q @ params["W_q"] + params["b_q"]
    k = x_kv @ params["W_k"] + params["b_k"]
    v = x_kv @ params["W_v"] + params["b_v"]
    q = q.reshape(N, S_q, n_heads, d).transpose(0, 2, 1, 3)
    k = k.reshape(N, S_k, n_heads, d).transpose(0, 2, 1, 3)
    v = v.reshape(N, S_k, n_heads, d).transpose(0, 2, 1, 3)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    heads = softmax(scores, axis=-1) @ v  # noqa: F821 - the notebook's helper
    concat = heads.transpose(0, 2, 1, 3).reshape(N, S_q, D)
    return concat @ params["W_o"] + params["b_o"]
