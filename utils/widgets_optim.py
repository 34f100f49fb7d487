"""The learning-rate explorer: gradient descent on a 2-D quadratic loss, drawn on its contours.

A quadratic loss ``L(w) = 1/2 (w - w*)^T H (w - w*)`` has the same Hessian ``H`` everywhere, so
its curvature is known exactly: gradient descent with a constant learning rate ``lr`` converges
for every starting point if and only if ``0 < lr < 2 / lambda_max``, where ``lambda_max`` is
the largest eigenvalue of ``H``. Linear regression's mean squared error over ``(w, b)`` is such
a quadratic (up to a constant), so the chapter passes its own ``H`` and ``w*`` in.

    from utils import widgets_optim
    widgets_optim.lr_gallery()                  # static figure: four learning rates
    widgets_optim.lr_explorer()                 # sliders; needs a live kernel
    widgets_optim.lr_gallery(hessian=H, minimum=w_star)
    widgets_optim.optimizer_gallery(hessian=H, minimum=w_star)   # GD, momentum, Adam

The explorer also has a momentum slider and an Adam switch. Momentum is the heavy ball
``v <- mu v - lr grad; w <- w + v`` and Adam the update of Kingma and Ba, as derived in the
chapter. The chapter derives and checks the optimisers; this module only draws them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

# A fixed ill-conditioned quadratic: eigenvalues 1 and 10, axes rotated by 30 degrees.
_ANGLE = np.deg2rad(30.0)
_ROTATION = np.array([[np.cos(_ANGLE), -np.sin(_ANGLE)], [np.sin(_ANGLE), np.cos(_ANGLE)]])
DEFAULT_HESSIAN = _ROTATION @ np.diag([10.0, 1.0]) @ _ROTATION.T
DEFAULT_MINIMUM = np.array([0.0, 0.0])

# The gallery's four learning rates, as multiples of 1 / lambda_max.
GALLERY = (("too small", 0.1), ("about right", 1.0), ("too large: oscillates", 1.9),
           ("divergent", 2.1))


def _problem(hessian, minimum):
    """Validate and return ``(H, w_star)`` as float64 arrays (defaults when None)."""
    H = DEFAULT_HESSIAN if hessian is None else np.asarray(hessian, dtype=np.float64)
    m = DEFAULT_MINIMUM if minimum is None else np.asarray(minimum, dtype=np.float64)
    if H.shape != (2, 2):
        raise ValueError(f"hessian must be a 2x2 matrix (the loss has two parameters), "
                         f"got shape {H.shape}")
    if m.shape != (2,):
        raise ValueError(f"minimum must be a point with 2 coordinates, got shape {m.shape}")
    if not (np.all(np.isfinite(H)) and np.all(np.isfinite(m))):
        raise ValueError("hessian and minimum must be finite (no NaN or inf)")
    if not np.allclose(H, H.T):
        raise ValueError("hessian must be symmetric, e.g. pass (H + H.T) / 2")
    if np.linalg.eigvalsh(H).min() <= 0:
        raise ValueError("hessian must be positive definite (all eigenvalues > 0), otherwise "
                         "the quadratic has no unique minimum")
    return H, m


def largest_eigenvalue(hessian=None) -> float:
    """``lambda_max``, the largest curvature of the quadratic; ``lr < 2 / lambda_max`` converges."""
    H, _ = _problem(hessian, None)
    return float(np.linalg.eigvalsh(H).max())


def _check_lr_steps(lr, steps):
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.number)):
        raise TypeError(f"lr must be a number, got {type(lr).__name__}")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")


def gd_path(lr: float, steps: int = 30, start=None, hessian=None, minimum=None,
            momentum: float = 0.0, method: str = "gd"):
    """Run ``steps`` of an optimiser on the quadratic from ``start``.

    ``method="gd"``: gradient descent ``w <- w - lr * H (w - w*)``, with heavy-ball momentum
    ``v <- momentum * v - lr * grad; w <- w + v`` when ``momentum > 0``. ``method="adam"``: Adam
    with ``beta1 = 0.9``, ``beta2 = 0.999``, ``eps = 1e-8`` (``momentum`` is ignored).

    Returns ``(path, losses)``: ``path`` has shape ``(steps + 1, 2)`` (the start included) and
    ``losses[k] = 1/2 (w_k - w*)^T H (w_k - w*)``, the loss above its minimum. ``start``
    defaults to a point on the contour through ``w* + (-2, 1.5)``.
    """
    _check_lr_steps(lr, steps)
    if method not in ("gd", "adam"):
        raise ValueError(f"method must be 'gd' or 'adam', got {method!r}")
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.number)):
        raise TypeError(f"momentum must be a number, got {type(momentum).__name__}")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    H, m = _problem(hessian, minimum)
    w = m + np.array([-2.0, 1.5]) if start is None else np.asarray(start, dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"start must be a point with 2 coordinates, got shape {w.shape}")
    path = [w.copy()]
    v, s = np.zeros(2), np.zeros(2)  # velocity (or Adam's first moment) and second moment
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            grad = H @ (w - m)
            if method == "adam":
                v = 0.9 * v + 0.1 * grad
                s = 0.999 * s + 0.001 * grad**2
                w = w - lr * (v / (1 - 0.9**k)) / (np.sqrt(s / (1 - 0.999**k)) + 1e-8)
            else:
                v = momentum * v - lr * grad
                w = w + v
            path.append(w.copy())
        path = np.array(path)
        d = path - m
        losses = 0.5 * np.einsum("ki,ij,kj->k", d, H, d)
    return path, losses


def plot_gd(lr: float, steps: int = 30, ax=None, start=None, hessian=None, minimum=None,
            title=None, momentum: float = 0.0, method: str = "gd"):
    """Draw the loss contours, the optimiser's path and the minimum on one axis."""
    path, losses = gd_path(lr, steps, start, hessian, minimum, momentum, method)
    H, m = _problem(hessian, minimum)
    ax = ax if ax is not None else plt.subplots(figsize=(4.5, 4))[1]
    reach = 1.3 * max(np.abs(path[0] - m).max(), 1e-12)
    g = np.linspace(-reach, reach, 120)
    A, B = np.meshgrid(g + m[0], g + m[1])
    D = np.stack([A - m[0], B - m[1]], axis=-1)
    Z = 0.5 * np.einsum("...i,ij,...j->...", D, H, D)
    ax.contour(A, B, Z, levels=np.geomspace(Z.max() * 1e-3, Z.max(), 12), colors="grey",
               linewidths=0.7)
    shown = path[np.all(np.abs(path - m) <= 4 * reach, axis=1)]  # keep divergent paths drawable
    ax.plot(shown[:, 0], shown[:, 1], "o-", ms=3, lw=1.2, color="#D55E00")
    ax.plot(*m, "*", ms=12, color="#0072B2")
    ax.set(xlim=(m[0] - reach, m[0] + reach), ylim=(m[1] - reach, m[1] + reach))
    lam = largest_eigenvalue(H)
    final = losses[-1]
    ax.set_title(title or f"lr = {lr:.3g} ({lr * lam:.2f} / $\\lambda_{{max}}$)", fontsize=10)
    ax.text(0.02, 0.02, f"loss after {steps} steps: {final:.2e}" if np.isfinite(final)
            else "loss overflowed", transform=ax.transAxes, fontsize=8,
            bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    ax.set_aspect("equal")
    return ax


def lr_gallery(steps: int = 30, hessian=None, minimum=None, start=None):
    """Static fallback: four learning rates chosen relative to ``lambda_max``.

    ``0.1 / lambda_max`` (too small), ``1 / lambda_max`` (about right), ``1.9 / lambda_max``
    (too large: zig-zags across the steep direction but still converges) and
    ``2.1 / lambda_max`` (divergent: beyond the limit ``2 / lambda_max``). Returns the figure.
    """
    H, m = _problem(hessian, minimum)
    lam = largest_eigenvalue(H)
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.8))
    for ax, (label, factor) in zip(axes, GALLERY, strict=True):
        lr = factor / lam
        plot_gd(lr, steps, ax=ax, start=start, hessian=H, minimum=m,
                title=f"{label}\nlr = {factor:g} / $\\lambda_{{max}}$ = {lr:.3g}")
    fig.tight_layout()
    return fig


def optimizer_gallery(steps: int = 30, hessian=None, minimum=None, start=None,
                      momentum: float = 0.9, adam_lr: float | None = None):
    """Static fallback: gradient descent, heavy-ball momentum and Adam on the same quadratic.

    Gradient descent uses ``lr = 1 / lambda_max``; momentum the same ``lr`` with ``momentum``;
    Adam ``adam_lr`` (default: a tenth of the distance from the start to the minimum, since
    Adam's steps have roughly that size in every coordinate). Returns the figure.
    """
    H, m = _problem(hessian, minimum)
    lam = largest_eigenvalue(H)
    w0 = m + np.array([-2.0, 1.5]) if start is None else np.asarray(start, dtype=np.float64)
    adam_lr = 0.1 * float(np.abs(w0 - m).max()) if adam_lr is None else adam_lr
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.9))
    runs = [("gradient descent", 1 / lam, 0.0, "gd"),
            (f"momentum {momentum:g}", 1 / lam, momentum, "gd"),
            ("Adam", adam_lr, 0.0, "adam")]
    for ax, (label, lr, mu, method) in zip(axes, runs, strict=True):
        plot_gd(lr, steps, ax=ax, start=start, hessian=H, minimum=m, momentum=mu,
                method=method, title=f"{label}, lr = {lr:.3g}")
    fig.tight_layout()
    return fig


def lr_explorer(hessian=None, minimum=None, start=None):
    """Sliders for ``log10(lr)``, the momentum and the number of steps, and an Adam switch.

    Redraws the path on the contours and the loss curve. Needs a live kernel (JupyterLab,
    Colab). The website shows :func:`lr_gallery` and :func:`optimizer_gallery` instead.
    """
    import ipywidgets as w

    H, m = _problem(hessian, minimum)
    lam = largest_eigenvalue(H)
    centre = float(np.log10(1.0 / lam))
    log_lr = w.FloatSlider(value=round(centre, 2), min=round(centre - 2, 2),
                           max=round(centre + 0.6, 2), step=0.02, description="log10(lr)",
                           continuous_update=False)
    momentum = w.FloatSlider(value=0.0, min=0.0, max=0.99, step=0.01, description="momentum",
                             continuous_update=False)
    method = w.ToggleButtons(options=[("GD / momentum", "gd"), ("Adam", "adam")], value="gd",
                             description="optimiser")
    steps = w.IntSlider(value=30, min=1, max=200, description="steps", continuous_update=False)
    limit = w.HTML(f"gradient descent converges for lr &lt; 2/&lambda;<sub>max</sub> = "
                   f"{2 / lam:.3g} (log10 = {np.log10(2 / lam):.2f}); with momentum &mu; "
                   f"the limit is 2(1 + &mu;)/&lambda;<sub>max</sub>")
    out = w.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(9, 3.8))
            lr = 10 ** log_lr.value
            mu = momentum.value if method.value == "gd" else 0.0
            plot_gd(lr, steps.value, ax=ax_path, start=start, hessian=H, minimum=m,
                    momentum=mu, method=method.value)
            _, losses = gd_path(lr, steps.value, start, H, m, mu, method.value)
            ax_loss.semilogy(np.arange(len(losses)), np.maximum(losses, 1e-300))
            ax_loss.set(xlabel="step", ylabel="loss above minimum", title="loss")
            fig.tight_layout()
            plt.show()

    for control in (log_lr, momentum, method, steps):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([log_lr, momentum]), w.HBox([method, steps]), limit, out])
