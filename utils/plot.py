"""The book's figures, in one consistent style (set once, on import)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

# One palette for the whole book (colour-blind safe: Okabe & Ito).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

STYLE = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": plt.cycler(color=COLORS),
    "font.size": 11,
    "legend.frameon": False,
}


def set_style() -> None:
    """Apply the book's matplotlib style (done on import; call again after a reset)."""
    plt.rcParams.update(STYLE)


set_style()


def _ax(ax):
    return ax if ax is not None else plt.subplots()[1]


def decision_boundary(predict, X, y, ax=None, title=None, resolution=200, margin=0.5):
    """Shade the classes ``predict`` assigns over the plane and scatter the data on top.

    ``predict`` maps an ``(m, 2)`` float32 array to ``m`` class indices (numpy or torch in,
    numpy or torch out). ``X`` is ``(n, 2)``, ``y`` is ``(n,)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary draws 2-D inputs: X must have shape (n, 2), "
                         f"got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels")
    ax = _ax(ax)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    labels = predict(grid)
    if hasattr(labels, "detach"):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels).reshape(xx.shape)
    classes = int(max(labels.max(), y.max())) + 1
    cmap = plt.matplotlib.colors.ListedColormap(COLORS[:classes])
    ax.contourf(xx, yy, labels, levels=np.arange(classes + 1) - 0.5, cmap=cmap, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=[COLORS[int(k)] for k in y], s=18, edgecolors="white",
               linewidths=0.5)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


def history(curves: dict, ax=None, title=None, xlabel="epoch", ylabel=None, logy=False):
    """Plot training curves: ``curves`` maps a label to a sequence of values."""
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict such as {'train loss': [...]}")
    ax = _ax(ax)
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), np.asarray(values, dtype=float), label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel or "")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def image_grid(images, labels=None, ncols=10, cmap="gray_r", size=1.0):
    """Show a batch of 2-D images (``(n, h, w)``) in a grid, optionally titled by label."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"image_grid expects shape (n, height, width), got {images.shape}; "
                         "reshape flat images first, e.g. X.reshape(-1, 8, 8)")
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.1),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    fig.tight_layout()
    return fig
