"""Self-checks: compare your numbers with a reference, and check gradients numerically.

Both compare *every* element, so a single wrong entry in a large array fails the check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _as_array(value, name):
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric (array, tensor or number), got "
                        f"{type(value).__name__}") from exc
    return arr


def compare(name: str, mine, reference, atol: float = 1e-6, rtol: float = 1e-5,
            verbose: bool = True) -> bool:
    """Check ``mine`` against ``reference`` element by element and print one clear line.

    An element passes when ``|mine - reference| <= atol + rtol * |reference|`` (as in
    ``numpy.allclose``). Shapes must match exactly (no broadcasting); NaN never passes.
    Returns ``True`` or ``False``, so ``assert compare(...)`` stops a notebook on a mismatch.
    """
    a, b = _as_array(mine, "mine"), _as_array(reference, "reference")
    if a.shape != b.shape:
        message = f"FAIL {name}: shape {a.shape} but the reference has shape {b.shape}"
        ok = False
    else:
        error = np.abs(a - b)
        bad = ~(error <= atol + rtol * np.abs(b))  # NaN compares False, so it counts as bad
        ok = not bad.any()
        max_error = float(np.nanmax(error)) if error.size and not np.isnan(error).all() else 0.0
        if ok:
            message = f"PASS {name}: max abs error {max_error:.2e} (atol={atol:g}, rtol={rtol:g})"
        else:
            where = np.unravel_index(int(np.argmax(bad)), a.shape) if a.ndim else ()
            message = (f"FAIL {name}: {int(bad.sum())} of {a.size} elements differ; "
                       f"max abs error {max_error:.2e}; first at index {tuple(map(int, where))}: "
                       f"{float(a[where]):.6g} vs reference {float(b[where]):.6g}")
    if verbose:
        print(message)
    return ok


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``df/dx_i ~= (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, one pair of calls per element,
    computed in float64 on a copy, so ``x`` itself is never changed.
    """
    x = np.array(x, dtype=np.float64)  # a copy: perturbing must not touch the caller's array
    if x.size == 0:
        raise ValueError("numerical_gradient needs a non-empty array x")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        if np.ndim(up) != 0:
            raise ValueError(f"f must return a scalar, got shape {np.shape(up)}; "
                             "reduce it first, e.g. with .sum()")
        gflat[i] = (float(up) - float(down)) / (2 * eps)
    return grad


def gradient_check(name: str, f: Callable[[np.ndarray], float], x, analytic,
                   eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-4) -> bool:
    """Compare an analytic gradient with the central-difference one; prints a PASS/FAIL line."""
    return compare(name, analytic, numerical_gradient(f, x, eps), atol=atol, rtol=rtol)
