"""The attention explorer: which keys does a query token look at, in each head?

    from utils import widgets_attention as wa
    weights = wa.encoder_attention(encoder, x)      # (layers, heads, S, S) from a model
    wa.attention_heads(weights[0], tokens)          # static figure: one heat map per head
    wa.plot_query(weights[0], tokens, head=1, query=3)   # one query's weights over the keys
    wa.attention_explorer(weights, tokens)          # choose a layer, a head and a query token

A self-attention head turns each query position i into a probability distribution over the
key positions j: row i of ``softmax(Q K^T / sqrt(d))``, where d is the width of the queries
and keys (chapter 5 derives it). ``weights[h, i, j]`` is how much of position j's value head
``h`` mixes into position i's output; every row sums to one. This module computes
those weights, from query and key vectors (:func:`attention_weights`) or from PyTorch's
``nn.MultiheadAttention`` and ``nn.TransformerEncoder`` (:func:`mha_weights`,
:func:`encoder_attention`), and draws them. Any other model's weights can be passed in as an
array of shape (heads, queries, keys), or (layers, heads, queries, keys).

On the website there is no kernel to run the explorer, so :func:`attention_heads` draws every
head of one layer as a static figure instead.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

ROW_SUM_ATOL = 1e-4  # float32 softmax rows sum to one within ~1e-6; allow for rounding


def token_label(token) -> str:
    """A token as it is drawn on an axis: space, newline and tab made visible."""
    token = str(token)
    return token.replace(" ", "\u2423").replace("\n", "\\n").replace("\t", "\\t") or "''"


def _as_numpy(value, name):
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().double().numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric (an array or a tensor), got "
                        f"{type(value).__name__}") from exc


def check_weights(weights, tokens=None, query_tokens=None) -> np.ndarray:
    """Validate attention weights and return them as a float64 array.

    ``weights`` has shape (heads, queries, keys), or (queries, keys) for a single head (it is
    returned as (1, queries, keys)), or (layers, heads, queries, keys). Every entry must be
    finite and >= 0 and every row (one query's weights over the keys) must sum to one.
    ``tokens`` label the keys and ``query_tokens`` the queries (default: the same tokens, as
    in self-attention); their lengths must match the weights' last two axes.
    """
    w = _as_numpy(weights, "weights")
    if w.ndim == 2:
        w = w[None]
    if w.ndim not in (3, 4) or 0 in w.shape:
        raise ValueError(f"weights must have shape (heads, queries, keys) or (layers, heads, "
                         f"queries, keys), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("attention weights must be finite and >= 0: pass the weights after "
                         "the softmax, not the scores before it")
    sums = w.sum(axis=-1)
    if np.any(np.abs(sums - 1) > ROW_SUM_ATOL):
        worst = float(sums.flat[np.argmax(np.abs(sums - 1))])
        raise ValueError(f"every row of attention weights (one query over all keys) must sum "
                         f"to 1, but one sums to {worst:.6g}; was the softmax taken over the "
                         "last axis (the keys)?")
    if tokens is not None:
        keys = len(tokens)
        queries = len(query_tokens) if query_tokens is not None else keys
        if w.shape[-1] != keys or w.shape[-2] != queries:
            raise ValueError(f"weights of shape {w.shape} have {w.shape[-2]} queries and "
                             f"{w.shape[-1]} keys, but {queries} query tokens and {keys} key "
                             "tokens were given")
    return w


def _check_index(value, count, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not 0 <= value < count:
        raise ValueError(f"{what} must be an int from 0 to {count - 1} ({count} to choose "
                         f"from), got {value!r}")
    return int(value)


def attention_weights(q, k, mask=None) -> np.ndarray:
    """``softmax(q k^T / sqrt(d))`` from scratch, in float64.

    ``q`` has shape (..., queries, d) and ``k`` (..., keys, d). ``mask`` (broadcastable to
    (..., queries, keys)) is True where a query may look at a key; the others get weight 0.
    Every query must be allowed at least one key.
    """
    q, k = _as_numpy(q, "q"), _as_numpy(k, "k")
    if q.ndim < 2 or k.ndim < 2 or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q (..., queries, d) and k (..., keys, d) need the same width d, "
                         f"got shapes {q.shape} and {k.shape}")
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        if not mask.any(axis=-1).all():
            raise ValueError("the mask hides every key from some query; each row of the mask "
                             "needs at least one True")
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def mha_weights(mha, x, attn_mask=None, key_padding_mask=None) -> np.ndarray:
    """Per-head self-attention weights of an ``nn.MultiheadAttention`` for one sequence.

    ``x`` holds one sequence of embeddings, shape (S, E) (or (1, S, E)). ``attn_mask`` and
    ``key_padding_mask`` follow PyTorch's convention: True means "may NOT attend". Returns
    an array of shape (heads, S, S).
    """
    import torch

    x = torch.as_tensor(x)
    if x.ndim == 3:
        if x.shape[0] != 1:
            raise ValueError(f"pass one sequence, shape (S, E) or (1, S, E); got {tuple(x.shape)}")
        x = x[0]
    if x.ndim != 2 or x.shape[-1] != mha.embed_dim:
        raise ValueError(f"x must have shape (S, {mha.embed_dim}), got {tuple(x.shape)}")
    if key_padding_mask is not None:
        key_padding_mask = torch.as_tensor(key_padding_mask).reshape(-1)
    with torch.no_grad():
        _, w = mha(x, x, x, need_weights=True, average_attn_weights=False,
                   attn_mask=attn_mask, key_padding_mask=key_padding_mask)
    return w.double().numpy()


def encoder_attention(encoder, x, mask=None, src_key_padding_mask=None) -> np.ndarray:
    """Attention weights of every layer and head of an ``nn.TransformerEncoder`` (or a list of
    ``nn.TransformerEncoderLayer``) for one sequence ``x`` of shape (S, E) or (1, S, E).

    Runs the layers one by one, recording what each layer's ``self_attn`` sees (its input,
    or its input after ``norm1`` in a pre-norm layer). Returns shape (layers, heads, S, S).
    """
    import torch

    layers = list(getattr(encoder, "layers", encoder))
    if not layers:
        raise ValueError("the encoder has no layers")
    x = torch.as_tensor(x)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(f"pass one sequence, shape (S, E) or (1, S, E); got {tuple(x.shape)}")
    found = []
    with torch.no_grad():
        for layer in layers:
            batch_first = getattr(layer.self_attn, "batch_first", False)
            h = layer.norm1(x) if layer.norm_first else x
            found.append(mha_weights(layer.self_attn, h[0], attn_mask=mask,
                                     key_padding_mask=src_key_padding_mask))
            x_in = x if batch_first else x.transpose(0, 1)
            out = layer(x_in, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
            x = out if batch_first else out.transpose(0, 1)
    return np.stack(found)


def _layer(w, layer):
    if w.ndim == 4:
        return w[_check_index(layer, w.shape[0], "layer")]
    if layer not in (None, 0):
        raise ValueError(f"these weights have one layer, so layer must be 0 or None, got "
                         f"{layer!r}")
    return w


def plot_query(weights, tokens, head: int = 0, query: int = 0, layer=None,
               query_tokens=None, ax=None):
    """Bar chart of one query token's attention weights over the keys, in one head.

    The query's own position among the keys is drawn in a darker colour (in self-attention).
    Raises a ValueError naming the allowed range for a bad ``head``, ``query`` or ``layer``.
    """
    w = _layer(check_weights(weights, tokens, query_tokens), layer)
    head = _check_index(head, w.shape[0], "head")
    query = _check_index(query, w.shape[1], "query")
    row = w[head, query]
    queries = query_tokens if query_tokens is not None else tokens
    ax = ax if ax is not None else plt.subplots(figsize=(max(4, 0.32 * len(row)), 2.8))[1]
    colours = ["C0"] * len(row)
    if query_tokens is None:
        colours[query] = "C3"
    ax.bar(range(len(row)), row, color=colours)
    ax.set_xticks(range(len(row)), [token_label(t) for t in tokens], fontsize=8)
    ax.set(ylim=(0, 1), ylabel="weight", xlabel="key",
           title=f"head {head}, query {query} ({token_label(queries[query])!r})")
    return ax


def attention_heads(weights, tokens, layer=None, query_tokens=None, title=None,
                    ncols: int = 2):
    """Static fallback: one heat map per head (rows: queries, columns: keys). Returns the
    figure. ``weights`` as in :func:`check_weights`; for 4-D weights choose ``layer``."""
    w = _layer(check_weights(weights, tokens, query_tokens), layer)
    queries = query_tokens if query_tokens is not None else tokens
    heads = w.shape[0]
    ncols = max(1, min(int(ncols), heads))
    nrows = math.ceil(heads / ncols)
    size = max(2.6, 0.17 * max(len(tokens), len(queries)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.4),
                             squeeze=False)
    for h, ax in enumerate(axes.flat):
        if h >= heads:
            ax.axis("off")
            continue
        ax.imshow(w[h], cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(tokens)), [token_label(t) for t in tokens], fontsize=7)
        ax.set_yticks(range(len(queries)), [token_label(t) for t in queries], fontsize=7)
        ax.tick_params(length=0)
        ax.grid(False)
        ax.set_title(f"head {h}", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def attention_explorer(weights, tokens, query_tokens=None):
    """Choose a layer (for 4-D weights), a head and a query token; see that query's weights
    over the keys as bars and its row highlighted in the head's heat map.

    Needs a live kernel (JupyterLab, Colab); the website shows :func:`attention_heads`.
    """
    import ipywidgets as widgets

    w = check_weights(weights, tokens, query_tokens)
    stacked = w if w.ndim == 4 else w[None]
    queries = query_tokens if query_tokens is not None else tokens
    layer = widgets.IntSlider(value=0, min=0, max=stacked.shape[0] - 1, description="layer",
                              continuous_update=False)
    head = widgets.IntSlider(value=0, min=0, max=stacked.shape[1] - 1, description="head",
                             continuous_update=False)
    options = [(f"{i}: {token_label(t)}", i) for i, t in enumerate(queries)]
    query = widgets.Dropdown(options=options, value=0, description="query")
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig, (bars, heat) = plt.subplots(
                1, 2, figsize=(max(8, 0.5 * len(tokens)), 3.2),
                gridspec_kw={"width_ratios": [2, 1]})
            plot_query(stacked, tokens, head.value, query.value, layer=layer.value,
                       query_tokens=query_tokens, ax=bars)
            heat.imshow(stacked[layer.value, head.value], cmap="Blues", vmin=0, vmax=1)
            heat.grid(False)
            heat.axhline(query.value, color="C3", lw=1)
            heat.set(xlabel="key", ylabel="query", title="all queries of this head")
            fig.tight_layout()
            plt.show()

    for control in (layer, head, query):
        control.observe(redraw, names="value")
    redraw()
    controls = [head, query] if stacked.shape[0] == 1 else [layer, head, query]
    return widgets.VBox([widgets.HBox(controls), out])
