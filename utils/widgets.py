"""Interactive explorers, each with a static fallback figure for the website.

On the website there is no kernel, so a widget cannot react to its sliders; every explorer
therefore has a ``*_gallery`` twin that draws the same idea as a plain figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

# name -> (f(x, a), f'(x, a), parameter label or None, default parameter)
# The chapter derives these; here they only feed the plots.
ACTIVATIONS = {
    "sigmoid": (lambda x, a: 1 / (1 + np.exp(-a * x)),
                lambda x, a: a * (s := 1 / (1 + np.exp(-a * x))) * (1 - s), "gain a", 1.0),
    "tanh": (lambda x, a: np.tanh(a * x),
             lambda x, a: a * (1 - np.tanh(a * x) ** 2), "gain a", 1.0),
    "relu": (lambda x, a: np.maximum(0, x),
             lambda x, a: (x > 0).astype(float), None, 0.0),
    "leaky_relu": (lambda x, a: np.where(x > 0, x, a * x),
                   lambda x, a: np.where(x > 0, 1.0, a), "slope a", 0.1),
    "elu": (lambda x, a: np.where(x > 0, x, a * (np.exp(np.minimum(x, 0)) - 1)),
            lambda x, a: np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0))), "alpha a", 1.0),
    # maxout of two lines, max(x, a*x): one unit that learns its own piecewise-linear shape
    "maxout": (lambda x, a: np.maximum(x, a * x),
               lambda x, a: np.where(x >= a * x, 1.0, a), "second slope a", -0.5),
}


def _check_name(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}")


def plot_activation(name: str, param: float | None = None, ax=None, xlim=6.0):
    """Draw one activation and its derivative, shading where the derivative is below 0.05."""
    _check_name(name)
    f, df, label, default = ACTIVATIONS[name]
    a = default if param is None else float(param)
    x = np.linspace(-xlim, xlim, 400)
    ax = ax if ax is not None else plt.subplots(figsize=(5, 3.2))[1]
    ax.plot(x, f(x, a), label=f"{name}(x)", lw=2)
    ax.plot(x, df(x, a), label="derivative", lw=2, ls="--")
    flat = np.abs(df(x, a)) < 0.05
    ax.fill_between(x, -1.5, 3, where=flat, color="grey", alpha=0.15, label="|f'| < 0.05")
    ax.set(ylim=(-1.5, 3), xlabel="x", title=name + (f" ({label} = {a:g})" if label else ""))
    ax.legend(loc="upper left", fontsize=8)
    return ax


def activation_gallery():
    """Static fallback: every activation with its derivative, default parameters."""
    fig, axes = plt.subplots(2, 3, figsize=(12, 6))
    for ax, name in zip(axes.flat, ACTIVATIONS):
        plot_activation(name, ax=ax)
    fig.tight_layout()
    return fig


def activation_explorer():
    """Choose an activation, move its parameter, and watch the function and its derivative.

    Needs a live kernel (JupyterLab, Colab). The website shows :func:`activation_gallery`.
    """
    import ipywidgets as w

    name = w.Dropdown(options=list(ACTIVATIONS), value="sigmoid", description="function")
    param = w.FloatSlider(value=1.0, min=-1.0, max=4.0, step=0.05, description="parameter")
    out = w.Output()

    def redraw(*_):
        f, df, label, default = ACTIVATIONS[name.value]
        param.disabled = label is None
        param.description = label or "(none)"
        with out:
            out.clear_output(wait=True)
            plot_activation(name.value, param.value)
            plt.show()

    def reset_param(change):
        param.value = ACTIVATIONS[change["new"]][3]

    name.observe(reset_param, names="value")
    param.observe(redraw, names="value")
    name.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([name, param]), out])
