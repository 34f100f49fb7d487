"""The sampling explorer: generate Shakespeare from character n-grams at any temperature.

    from utils import widgets_text
    widgets_text.sampling_explorer()                      # choose n, temperature, prompt, seed
    widgets_text.sampling_gallery()                       # static figure for the website
    widgets_text.sample_text(n=5, tau=0.5, prompt="KING.", length=200, seed=0)

A character n-gram model (:class:`utils.text.CharNGram`) gives, after any context, a
probability for each of the V characters. Sampling rolls that V-sided die, appends the
result and repeats. The temperature tau reshapes the die before each roll:
``p_tau = softmax(log p / tau)``, that is ``p ** (1 / tau)`` renormalised. tau = 1 keeps the
model's distribution, tau < 1 sharpens it (tau -> 0 always picks the most likely character,
"greedy" decoding) and tau > 1 flattens it towards uniform. Chapter 4 derives the models; this
module only samples from them and draws the result. Models are fitted on the corpus's training
text once per order and cached, because a fit reads all 4.8 million characters.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from utils import text as _text

MAX_ORDER = 8  # CharNGram's limit


def _check_order(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_ORDER:
        raise ValueError(f"the order n must be an int from 1 to {MAX_ORDER} (n - 1 characters "
                         f"of context), got {n!r}; e.g. n=3 for a trigram model")
    return int(n)


def _check_tau(tau):
    try:
        tau = float(tau)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the temperature tau must be a number, got {type(tau).__name__}") \
            from exc
    if not np.isfinite(tau) or tau <= 0:
        raise ValueError(f"the temperature tau must be a finite number > 0, got {tau!r}; use "
                         "a small value such as tau=0.01 for (nearly) greedy sampling and "
                         "tau=1 for the model's own distribution")
    return tau


def apply_temperature(probs, tau: float) -> np.ndarray:
    """Reshape a probability vector by temperature: ``softmax(log p / tau)``.

    Equal to ``p ** (1 / tau)`` renormalised, computed in log space so that small tau does not
    underflow. Zero probabilities stay zero. Works along the last axis.
    """
    tau = _check_tau(tau)
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"probs must be a non-empty vector of probabilities, got shape "
                         f"{p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probs must be finite and >= 0; pass probabilities, not logits "
                         "(for logits z use softmax(z / tau) directly)")
    if np.any(p.sum(axis=-1) <= 0):
        raise ValueError("probs must have at least one positive entry")
    with np.errstate(divide="ignore"):
        logits = np.log(p) / tau
    logits = logits - logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=-1, keepdims=True)


@lru_cache(maxsize=MAX_ORDER)
def fitted_model(n: int, k: float = 0.01) -> _text.CharNGram:
    """A :class:`utils.text.CharNGram` of order ``n`` fitted on the training text (cached)."""
    return _text.CharNGram(_check_order(n), k=k).fit(_text.load_shakespeare().train)


def next_char_probs(model: _text.CharNGram, context: str) -> np.ndarray:
    """The model's distribution over the V characters after ``context`` (shape (V,)).

    Only the last ``n - 1`` characters of ``context`` matter; a shorter context is padded on
    the left with newlines, as :meth:`utils.text.CharNGram.log_probs` pads the start of a text.
    Equal to ``exp(model.log_probs(context + c)[-1])`` for every character ``c``, in one step.
    """
    if not hasattr(model, "_full"):
        raise RuntimeError("fit the model first: model.fit(train_text)")
    if not isinstance(context, str):
        raise TypeError(f"context must be a string, got {type(context).__name__}")
    vocab, n = model.vocab, model.n
    V = len(vocab)
    ids = vocab.encode(context)[-(n - 1):] if n > 1 else np.zeros(0, dtype=np.int64)
    pad = np.full(n - 1 - len(ids), vocab.index.get("\n", 0), dtype=np.int64)
    code = 0
    for i in np.concatenate([pad, ids]):
        code = code * V + int(i)
    joint = model._lookup(model._full, model._full_counts, code * V + np.arange(V))
    marginal = model._lookup(model._ctx, model._ctx_counts, np.array([code]))[0]
    return (joint + model.k) / (marginal + model.k * V)


def sample_text(n: int = 5, tau: float = 1.0, prompt: str = "\n", length: int = 300,
                seed: int = 0, model: _text.CharNGram | None = None) -> str:
    """``length`` characters sampled after ``prompt`` (returned without the prompt).

    Each character is drawn from :func:`next_char_probs` reshaped by :func:`apply_temperature`,
    with ``numpy.random.default_rng(seed)``, so the same arguments give the same text.
    ``model`` defaults to :func:`fitted_model` of order ``n``.
    """
    n, tau = _check_order(n), _check_tau(tau)
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be an int >= 0, got {length!r}")
    model = fitted_model(n) if model is None else model
    if model.n != n:
        raise ValueError(f"model has order {model.n} but n={n}; pass n=model.n")
    model.vocab.encode(prompt)  # unknown characters fail here, with the vocabulary's message
    rng = np.random.default_rng(seed)
    out = prompt
    for _ in range(length):
        p = apply_temperature(next_char_probs(model, out[-(n - 1):] if n > 1 else ""), tau)
        out += model.vocab.chars[rng.choice(len(p), p=p)]
    return out[len(prompt):]


def _label(c: str) -> str:
    return {"\n": "\\n", " ": "' '"}.get(c, c)


def plot_next_char(prompt: str, n: int = 5, tau: float = 1.0, top: int = 8, ax=None):
    """Bar chart of the ``top`` most likely next characters after ``prompt`` at temperature
    ``tau``, with the probability mass of all the others as a last bar."""
    n, tau = _check_order(n), _check_tau(tau)
    p = apply_temperature(next_char_probs(fitted_model(n), prompt), tau)
    order = np.argsort(-p, kind="stable")[:top]
    labels = [_label(fitted_model(n).vocab.chars[i]) for i in order] + ["others"]
    values = list(p[order]) + [max(0.0, 1 - p[order].sum())]
    ax = ax if ax is not None else plt.subplots(figsize=(5, 3))[1]
    ax.bar(range(len(values)), values, color=["C0"] * top + ["0.6"])
    ax.set_xticks(range(len(values)), labels, fontsize=8)
    ax.set(ylim=(0, 1), ylabel="probability", title=f"n = {n}, $\\tau$ = {tau:g}")
    return ax


def sampling_gallery(prompt: str = "What is thy n", n: int = 5, taus=(0.5, 1.0, 2.0),
                     top: int = 8):
    """Static fallback: the next-character distribution after ``prompt`` at several
    temperatures, one panel each. Returns the figure."""
    taus = [taus] if np.ndim(taus) == 0 else list(taus)
    if not taus:
        raise ValueError("taus must list at least one temperature, e.g. (0.5, 1.0, 2.0)")
    for tau in taus:
        _check_tau(tau)
    fig, axes = plt.subplots(1, len(taus), figsize=(3.6 * len(taus), 3.2), squeeze=False,
                             sharey=True)
    for ax, tau in zip(axes[0], taus, strict=True):
        plot_next_char(prompt, n=n, tau=tau, top=top, ax=ax)
    fig.suptitle(f"next character after {prompt!r}", fontsize=10)
    fig.tight_layout()
    return fig


def sampling_explorer(length: int = 300):
    """Choose the order n, the temperature tau, a prompt and a seed, and read the sample.

    Needs a live kernel (JupyterLab, Colab); the website shows :func:`sampling_gallery`.
    The first use of each order fits its model on the training text (a second or two).
    """
    import html

    import ipywidgets as w

    order = w.IntSlider(value=5, min=1, max=MAX_ORDER, description="order n",
                        continuous_update=False)
    tau = w.FloatLogSlider(value=1.0, base=10, min=-1.5, max=0.6, step=0.05,
                           description="τ", continuous_update=False)
    prompt = w.Text(value="ROMEO.", description="prompt", continuous_update=False)
    seed = w.IntText(value=0, description="seed", layout=w.Layout(width="160px"))
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            try:
                sample = sample_text(order.value, tau.value, prompt.value or "\n", length,
                                     seed.value)
            except ValueError as exc:  # e.g. a character outside the vocabulary
                print(exc)
                return
            from IPython.display import HTML, display

            display(HTML("<pre style='white-space: pre-wrap'><b>"
                         f"{html.escape(prompt.value)}</b>{html.escape(sample)}</pre>"))

    for control in (order, tau, prompt, seed):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([order, tau]), w.HBox([prompt, seed]), out])
