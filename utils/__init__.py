"""Shared helpers for *Building Blocks of Deep Learning*.

Small on purpose: the code a chapter teaches lives in the chapter. This package holds only
what would otherwise be copied between notebooks.

    import utils
    utils.seed_everything(0)
    split = utils.data.load_dataset("digits")
    utils.check.compare("my softmax", mine, reference)
"""

from . import check, data, env, plot, text, train, widgets
from .env import device, in_colab, seed_everything

__all__ = ["check", "data", "env", "plot", "text", "train", "widgets", "device", "in_colab",
           "seed_everything"]
__version__ = "0.6.0"
