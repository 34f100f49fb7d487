"""The boosting playground: boost small regression trees on a 1-D problem and watch the fit.

    from utils import widgets_trees as wt
    x, t = wt.make_data()                              # the fixed noisy 1-D data set
    F = wt.boost_1d(x, t, rounds=20, max_depth=2, eta=0.3, lam=1.0)
    F.staged_train[-1]                                 # F_M at the training points
    wt.plot_boosting(rounds=20, max_depth=2, eta=0.3, lam=1.0)   # fit above, residuals below
    wt.boosting_gallery([(1, 2, 0.3, 0.0), (50, 2, 0.3, 0.0)])  # static fallback
    wt.boosting_playground()                           # sliders (needs a kernel)

Gradient boosting with the squared loss fits each new tree to the residuals
r_n = t_n - F_{m-1}(x_n) and adds it shrunk by the learning rate eta. Here a tree's leaf
weights carry an L2 penalty lam: a leaf j holding the examples I_j predicts
w_j = sum(r_n for n in I_j) / (|I_j| + lam), the minimiser of
sum(0.5 * (r_n - w)^2) + 0.5 * lam * w^2 (XGBoost's -G_j / (H_j + lam) with g_n = -r_n and
h_n = 1). Splits maximise the same penalised score, as XGBoost's do; with lam = 0 a tree is an
ordinary least-squares regression tree. Everything is a few lines of numpy, fast enough to
redraw as a slider moves. An example goes left when x < s.

On the website there is no kernel to run the playground, so :func:`boosting_gallery` draws the
same picture for a few fixed settings instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

N_POINTS = 80
NOISE = 0.3


def true_function(x):
    """The curve under the playground's data: a sine wave with a step at x = 0.7."""
    x = np.asarray(x, dtype=float)
    return np.sin(2 * np.pi * x) + 0.8 * (x >= 0.7)


def make_data(n: int = N_POINTS, noise: float = NOISE, seed: int = 0):
    """The fixed 1-D data set: n inputs x in [0, 1], sorted, and noisy targets t.

    Returns two float64 arrays of shape (n,).
    """
    if not (isinstance(n, (int, np.integer)) and n >= 2):
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, n))
    return x, true_function(x) + noise * rng.standard_normal(n)


def _check_settings(rounds, max_depth, eta, lam):
    if not (isinstance(rounds, (int, np.integer)) and rounds >= 0):
        raise ValueError(f"rounds must be a whole number >= 0, got {rounds!r}")
    if not (isinstance(max_depth, (int, np.integer)) and max_depth >= 1):
        raise ValueError(f"max_depth must be a whole number >= 1 (1 is a stump), got "
                         f"{max_depth!r}")
    if not (isinstance(eta, (int, float)) and math.isfinite(eta) and 0 < eta <= 1):
        raise ValueError(f"the learning rate eta must lie in (0, 1], got {eta!r}")
    if not (isinstance(lam, (int, float)) and math.isfinite(lam) and lam >= 0):
        raise ValueError(f"lam (the L2 penalty on leaf weights) must be >= 0, got {lam!r}")


def _check_xt(x, t):
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    if x.ndim != 1 or x.shape != t.shape or len(x) < 2:
        raise ValueError(f"x and t must be 1-D arrays of the same length >= 2, got shapes "
                         f"{x.shape} and {t.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t))):
        raise ValueError("x and t must be finite (no NaN or infinity)")
    return x, t


def fit_tree_1d(x, r, max_depth: int, lam: float = 0.0):
    """Fit a regression tree of depth <= max_depth to residuals r over 1-D inputs x.

    A node holding residuals with sum G and count N scores G^2 / (N + lam); a split is
    made where the children's scores beat the parent's (ties go to the first threshold), and
    each leaf predicts G / (N + lam). Returns (edges, values): sorted thresholds s_1 < ... and
    one leaf weight per interval, so the tree's output at x is
    ``values[np.searchsorted(edges, x, side="right")]`` (x < s goes left).
    """
    x, r = _check_xt(x, r)
    order = np.argsort(x, kind="stable")
    xs, rs = x[order], r[order]
    edges, values = [], []

    def grow(lo, hi, depth):
        G, N = rs[lo:hi].sum(), hi - lo
        # candidate cuts between distinct neighbouring inputs only
        cuts = np.flatnonzero(xs[lo + 1:hi] > xs[lo:hi - 1]) + 1
        if depth < max_depth and len(cuts):
            G_L = np.cumsum(rs[lo:hi])[cuts - 1]
            N_L = cuts.astype(float)
            gain = G_L ** 2 / (N_L + lam) + (G - G_L) ** 2 / (N - N_L + lam)
            best = int(np.argmax(gain))
            if gain[best] > G ** 2 / (N + lam) + 1e-12 * (1 + abs(G)):
                cut = lo + int(cuts[best])
                grow(lo, cut, depth + 1)
                edges.append(0.5 * (xs[cut - 1] + xs[cut]))
                grow(cut, hi, depth + 1)
                return
        values.append(G / (N + lam) if N + lam > 0 else 0.0)

    grow(0, len(xs), 0)  # in-order: edges and values come out sorted left to right
    return np.array(edges), np.array(values)


def predict_tree_1d(tree, x) -> np.ndarray:
    """The output of a tree from :func:`fit_tree_1d` at inputs x."""
    edges, values = tree
    return values[np.searchsorted(edges, np.asarray(x, dtype=float), side="right")]


@dataclass(frozen=True)
class Boosted:
    """What :func:`boost_1d` returns: the base score F_0, the trees f_1..f_M, and the
    ensemble's outputs after each round, at the training inputs, shape (M + 1, n), and on
    ``grid``, shape (M + 1, len(grid))."""

    base: float
    trees: tuple
    grid: np.ndarray
    staged_train: np.ndarray
    staged_grid: np.ndarray


def boost_1d(x, t, rounds: int, max_depth: int = 2, eta: float = 0.3, lam: float = 0.0,
             grid=None) -> Boosted:
    """Gradient boosting with the squared loss: F_0 = mean(t), then for m = 1..rounds fit a
    tree f_m to the residuals t - F_{m-1} and set F_m = F_{m-1} + eta * f_m."""
    _check_settings(rounds, max_depth, eta, lam)
    x, t = _check_xt(x, t)
    grid = np.linspace(x.min(), x.max(), 400) if grid is None else np.asarray(grid, float)
    base = float(t.mean())
    F, F_grid = np.full(len(x), base), np.full(len(grid), base)
    staged_train, staged_grid, trees = [F.copy()], [F_grid.copy()], []
    for _ in range(rounds):
        tree = fit_tree_1d(x, t - F, max_depth, lam)
        F = F + eta * predict_tree_1d(tree, x)
        F_grid = F_grid + eta * predict_tree_1d(tree, grid)
        trees.append(tree)
        staged_train.append(F)
        staged_grid.append(F_grid)
    return Boosted(base, tuple(trees), grid, np.array(staged_train), np.array(staged_grid))


@lru_cache(maxsize=64)
def _playground_run(max_rounds, max_depth, eta, lam):
    """Boost the fixed data set once per (depth, eta, lam); the rounds slider only indexes
    the staged outputs, so moving it costs no new trees."""
    run = boost_1d(*make_data(), max_rounds, max_depth, eta, lam)
    for array in (run.grid, run.staged_train, run.staged_grid):
        array.flags.writeable = False  # shared between calls: nobody may change it
    return run


def _draw(axes, x, t, run, rounds, max_depth, eta, lam):
    """The picture: data, true curve and F_M on the first axes, residuals on the second."""
    F, F_grid = run.staged_train[rounds], run.staged_grid[rounds]
    ax_fit, ax_res = axes
    ax_fit.plot(x, t, "o", ms=3, color="0.5", label="data $t$")
    ax_fit.plot(run.grid, true_function(run.grid), ":", color="k", lw=1, label="true curve")
    ax_fit.plot(run.grid, F_grid, color="C0", lw=2, label=f"$F_{{{rounds}}}$")
    mse = float(np.mean((t - F) ** 2))
    # distance to the noise-free curve on the grid: what the test error would add to noise
    curve = float(np.mean((true_function(run.grid) - F_grid) ** 2))
    ax_fit.set_title(f"M = {rounds}, depth {max_depth}, η = {eta:g}, λ = {lam:g}\n"
                     f"train MSE {mse:.3f}, to curve {curve:.3f}", fontsize=9)
    ax_fit.legend(fontsize=7, loc="lower left")
    ax_res.axhline(0, color="k", lw=0.8)
    ax_res.vlines(x, 0, t - F, color="C3", lw=1)
    ax_res.plot(x, t - F, "o", ms=2.5, color="C3")
    ax_res.set(xlabel="$x$", ylabel="$t - F_M$")
    return axes


def _new_axes(size=(4.5, 4.5)):
    return plt.subplots(2, 1, figsize=size, sharex=True,
                        gridspec_kw={"height_ratios": [2, 1]})[1]


def plot_boosting(rounds: int, max_depth: int = 2, eta: float = 0.3, lam: float = 0.0,
                  axes=None, data=None):
    """Draw the data, the true curve and F_M above, and the residuals t - F_M below.

    ``data`` is (x, t), default :func:`make_data`; ``axes`` a pair (fit, residuals).
    Returns the pair of axes.
    """
    _check_settings(rounds, max_depth, eta, lam)
    if data is None:
        x, t = make_data()
        run = _playground_run(rounds, max_depth, float(eta), float(lam))
    else:
        x, t = _check_xt(*data)
        run = boost_1d(x, t, rounds, max_depth, eta, lam)
    return _draw(_new_axes() if axes is None else axes, x, t, run, rounds, max_depth, eta,
                 lam)


def boosting_gallery(settings, title=None):
    """Static fallback: one column per setting (rounds, max_depth, eta, lam), the fit above
    and the residuals below. Returns the figure."""
    settings = [tuple(s) for s in settings]
    if not settings or any(len(s) != 4 for s in settings):
        raise ValueError("settings must be a non-empty list of (rounds, max_depth, eta, lam)")
    k = len(settings)
    fig, axes = plt.subplots(2, k, figsize=(min(2.5 * k, 10), 4.6), sharex=True,
                             sharey="row", squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1]})
    for column, (rounds, depth, eta, lam) in enumerate(settings):
        plot_boosting(rounds, depth, eta, lam, axes=axes[:, column])
        if column:
            axes[0, column].get_legend().remove()
            axes[0, column].set_ylabel("")
            axes[1, column].set_ylabel("")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def boosting_playground(max_rounds: int = 200):
    """Sliders for the number of rounds M, the trees' max depth, eta and lam.

    Redraws the fit and the residuals. Needs a live kernel (JupyterLab, Colab); the website
    shows :func:`boosting_gallery` instead.
    """
    import ipywidgets as w

    if not (isinstance(max_rounds, (int, np.integer)) and max_rounds >= 1):
        raise ValueError(f"max_rounds must be a whole number >= 1, got {max_rounds!r}")
    style = {"description_width": "80px"}
    rounds = w.IntSlider(value=10, min=0, max=max_rounds, description="rounds M",
                         continuous_update=False, style=style)
    depth = w.IntSlider(value=2, min=1, max=6, description="max depth",
                        continuous_update=False, style=style)
    eta = w.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05, description="η",
                        continuous_update=False, style=style)
    lam = w.FloatSlider(value=0.0, min=0.0, max=20.0, step=0.5, description="λ",
                        continuous_update=False, style=style)
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            # boosted up to the slider's maximum once per (depth, eta, lam): the rounds
            # slider then only picks a row of the staged outputs
            settings = (depth.value, float(eta.value), float(lam.value))
            run = _playground_run(max_rounds, *settings)
            axes = _new_axes((7, 4.8))
            _draw(axes, *make_data(), run, rounds.value, *settings)
            plt.tight_layout()
            plt.show()

    for control in (rounds, depth, eta, lam):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([rounds, depth]), w.HBox([eta, lam]), out])
