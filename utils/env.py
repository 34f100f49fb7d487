"""Reproducibility and environment helpers."""

from __future__ import annotations

import os
import platform
import random
import sys

import numpy as np


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch so that a notebook gives the same numbers every run.

    Returns nothing, so that a notebook cell ending in ``utils.seed_everything(0)`` prints no
    stray ``0`` under the code.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}; e.g. seed_everything(0)")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import torch
    except ImportError:  # torch is optional for the numpy-only pages
        return
    torch.manual_seed(seed)


def device():
    """The fastest device PyTorch can use here: CUDA if present, else CPU."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules


def versions() -> str:
    """One line per library that matters for reproducing a result."""
    lines = [f"python      {platform.python_version()}", f"numpy       {np.__version__}"]
    for name in ("torch", "sklearn", "matplotlib"):
        try:
            module = __import__(name)
            lines.append(f"{name:<11} {module.__version__}")
        except ImportError:
            lines.append(f"{name:<11} not installed")
    return "\n".join(lines)
