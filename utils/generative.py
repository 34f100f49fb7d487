"""Generative models of chapter 6 and the tools that judge them.

Chapter 6 builds autoencoders, VAEs and GANs in its notebooks; this module holds what more
than one notebook (and Lab 6) needs:

- :func:`ring_centres`, :func:`ring_of_gaussians` and :func:`mode_coverage`: the 2-D "ring of
  Gaussians" on which mode collapse is seen and measured;
- :class:`VAE` and :func:`train_vae`: a dense (variational) autoencoder for 28x28 digits;
- :func:`digit_classifier`, :func:`cnn_features`, :func:`frechet_distance` and
  :func:`sample_scores`: chapter 3's LeNet-style CNN as a judge of generated digits (the idea
  of the FID and of classifier-based scores, at the size of this book).

Everything is seeded: the same arguments give the same model on the same machine.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _as_numpy(values, name, ndim=None):
    """A float64 copy of a numpy array or (detached) torch tensor, with clear errors."""
    if isinstance(values, torch.Tensor):
        if values.requires_grad:
            raise TypeError(f"{name} is a tensor that requires grad: pass {name}.detach()")
        values = values.cpu().numpy()
    if not isinstance(values, np.ndarray):
        try:
            values = np.asarray(values)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be a numpy array or a torch tensor, got "
                            f"{type(values).__name__}") from err
    if values.dtype == object or not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {values.dtype}")
    values = values.astype(np.float64)
    if ndim is not None and values.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {values.shape}")
    if values.size == 0:
        raise ValueError(f"{name} is empty: pass at least one sample")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} contains NaN or infinite values: a diverged model? "
                         "Drop or fix those samples first")
    return values


# --------------------------------------------------------------------------- the ring

def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The ``modes`` centres evenly spaced on a circle of ``radius``, the first at angle 0.

    Returns a float32 array of shape ``(modes, 2)``: row ``m`` is
    ``radius * (cos(2 pi m / modes), sin(2 pi m / modes))``.
    """
    modes = _positive_int(modes, "modes")
    radius = _positive(radius, "radius")
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                      seed: int | None = None) -> np.ndarray:
    """``n`` points from an equal mixture of ``modes`` Gaussians on a ring.

    Each point picks a mode uniformly at random and adds ``N(0, std^2 I)`` noise to its centre
    (:func:`ring_centres`). Returns float32 of shape ``(n, 2)``. ``seed=None`` draws fresh
    randomness; an int makes the draw repeatable.
    """
    n = _positive_int(n, "n")
    std = _positive(std, "std")
    centres = ring_centres(modes, radius)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(centres), size=n)
    points = centres[which] + std * rng.standard_normal((n, 2))
    return points.astype(np.float32)


class Coverage(NamedTuple):
    """What :func:`mode_coverage` measures on a set of 2-D samples."""

    covered: int          # modes holding at least min_share of the samples (high quality)
    high_quality: float   # share of samples within k * std of their nearest centre
    counts: np.ndarray    # (modes,) int64: high-quality samples per mode

    def __repr__(self) -> str:
        return (f"Coverage(covered={self.covered} of {len(self.counts)} modes, "
                f"high_quality={self.high_quality:.1%})")


def mode_coverage(samples, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                  k: float = 3.0, min_share: float = 0.02) -> Coverage:
    """Measure how many modes of the ring a set of samples covers, and how well.

    ``samples`` is a numpy array or detached torch tensor of shape ``(n, 2)``. A sample is of
    *high quality* when it lies within ``k * std`` of its nearest centre; ``counts[m]`` is the
    number of high-quality samples nearest to centre ``m``; mode ``m`` is *covered* when
    ``counts[m] >= min_share * n``. Use the ``modes``, ``radius`` and ``std`` of the data.
    """
    points = _as_numpy(samples, "samples")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"samples must have shape (n, 2), got {points.shape}; "
                         "reshape or select two coordinates first")
    std, k = _positive(std, "std"), _positive(k, "k")
    if not 0 <= min_share <= 1:
        raise ValueError(f"min_share must be a fraction in [0, 1], got {min_share!r}")
    centres = ring_centres(modes, radius).astype(np.float64)
    distances = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(points)), nearest] <= k * std
    counts = np.bincount(nearest[good], minlength=len(centres)).astype(np.int64)
    covered = int((counts >= min_share * len(points)).sum())
    return Coverage(covered, float(good.mean()), counts)


# --------------------------------------------------------------------------- the VAE

def _flat_images(x, name="x"):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(x).__name__}; "
                        "use torch.from_numpy(X)")
    if x.dim() == 4 and tuple(x.shape[1:]) == (1, 28, 28):
        return x.reshape(len(x), 784)
    if x.dim() == 2 and x.shape[1] == 784:
        return x
    raise ValueError(f"{name} must have shape (n, 1, 28, 28) or (n, 784), got "
                     f"{tuple(x.shape)}")


class VAE(nn.Module):
    """A dense variational autoencoder for 28x28 images with a latent code of size ``J``.

    Encoder: 784 -> ``hidden`` (ReLU) -> ``mu`` and ``logvar`` (each ``J``), the mean and log
    variance of the Gaussian q(z | x). Decoder: ``J`` -> ``hidden`` (ReLU) -> 784 logits of
    Bernoulli pixels (``torch.sigmoid`` turns them into images). ``encode(x)`` takes float
    images of shape (n, 1, 28, 28) or (n, 784) and returns ``(mu, logvar)``, each (n, J);
    ``decode(z)`` maps (n, J) to logits of shape (n, 1, 28, 28); ``forward(x)`` returns
    ``(logits, mu, logvar)``, decoding ``z = mu + exp(logvar / 2) * eps`` with
    ``eps ~ N(0, I)`` in training mode and ``z = mu`` in eval mode.
    """

    def __init__(self, J: int = 16, hidden: int = 400):
        super().__init__()
        self.J = _positive_int(J, "J")
        hidden = _positive_int(hidden, "hidden")
        self.encoder = nn.Sequential(nn.Linear(784, hidden), nn.ReLU())
        self.to_mu = nn.Linear(hidden, self.J)
        self.to_logvar = nn.Linear(hidden, self.J)
        self.decoder = nn.Sequential(nn.Linear(self.J, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 784))

    def encode(self, x):
        h = self.encoder(_flat_images(x))
        return self.to_mu(h), self.to_logvar(h)

    def decode(self, z):
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or z.shape[1] != self.J:
            shape = tuple(z.shape) if hasattr(z, "shape") else type(z).__name__
            raise ValueError(f"z must be a tensor of shape (n, J={self.J}), got {shape}")
        return self.decoder(z).view(len(z), 1, 28, 28)

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) if self.training else mu
        return self.decode(z), mu, logvar


def vae_loss(logits, x, mu, logvar, beta: float = 1.0):
    """Per-image mean of BCE-with-logits summed over pixels + ``beta`` * KL(q(z|x) || N(0, I)).

    Returns ``(loss, reconstruction, kl)``, each a scalar tensor (per-image means, nats).
    """
    target = _flat_images(x, "x")
    bce = F.binary_cross_entropy_with_logits(logits.reshape(len(logits), 784), target,
                                             reduction="sum") / len(target)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum() / len(target)
    return bce + beta * kl, bce, kl


def train_vae(X, J: int = 16, epochs: int = 20, variational: bool = True, beta: float = 1.0,
              batch_size: int = 128, lr: float = 1e-3, seed: int = 0, hidden: int = 400):
    """Train a :class:`VAE` (or, with ``variational=False``, a plain autoencoder) on images.

    ``X``: float images in [0, 1], a numpy array or tensor of shape (n, 1, 28, 28) or
    (n, 784). Adam with learning rate ``lr`` on shuffled mini-batches of ``batch_size``;
    the loss of a batch is the mean over its images of the binary cross-entropy with logits
    summed over the 784 pixels, plus ``beta`` times the KL divergence of q(z|x) from N(0, I).
    ``variational=False`` trains the same network as a deterministic autoencoder: the code is
    ``mu``, no noise is drawn and there is no KL term (``logvar`` goes unused).

    Returns ``(model, history)``: the model in eval mode, and a dict with per-epoch means
    ``"loss"``, ``"reconstruction"`` and ``"kl"`` (nats per image) and ``"seconds"``.
    """
    if isinstance(X, np.ndarray):
        X = torch.from_numpy(X)
    X = _flat_images(X, "X").float()
    if X.numel() and (X.min() < 0 or X.max() > 1):
        raise ValueError("X must hold pixel values in [0, 1] (binary cross-entropy targets); "
                         "rescale it, e.g. X / 255")
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    lr, beta_ = _positive(lr, "lr"), float(beta)
    if beta_ < 0:
        raise ValueError(f"beta must be >= 0, got {beta!r}")
    torch.manual_seed(seed)
    model = VAE(J, hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    history = {"loss": [], "reconstruction": [], "kl": []}
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        totals = np.zeros(3)
        order = torch.randperm(len(X), generator=generator)
        for i in range(0, len(X), batch_size):
            x = X[order[i:i + batch_size]]
            mu, logvar = model.encode(x)
            if variational:
                eps = torch.randn(mu.shape, generator=generator)
                z = mu + torch.exp(0.5 * logvar) * eps
            else:
                z = mu
            logits = model.decode(z)
            loss, bce, kl = vae_loss(logits, x, mu, logvar, beta_ if variational else 0.0)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            totals += np.array([loss.item(), bce.item(), kl.item()]) * len(x)
        for key, value in zip(history, totals / len(X)):
            history[key].append(float(value))
    history["seconds"] = time.perf_counter() - start
    return model.eval(), history


# --------------------------------------------------------------------------- the judge

class _Standardise(nn.Module):
    """Subtract a fixed mean and divide by a fixed standard deviation (no parameters)."""

    def __init__(self, mean: float, std: float):
        super().__init__()
        self.mean, self.std = mean, std

    def forward(self, x):
        return (x - self.mean) / self.std


def _lenet():
    # chapter 3's `lenet` (03-cnns-on-digits), the same layers in the same order
    return [
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    ]


@lru_cache(maxsize=4)
def digit_classifier(seed: int = 0, epochs: int = 4):
    """Chapter 3's LeNet-style CNN trained on the training split of ``utils.data.load_mnist``.

    The model takes images in [0, 1] of shape (n, 1, 28, 28) (it standardises them with the
    training pixels' mean and standard deviation in its first layer) and returns 10 logits.
    Trained with Adam and a one-cycle schedule (peak 3e-3, batches of 64) for ``epochs``
    epochs; about 98 % test accuracy, a few seconds on one CPU core. Returned in eval mode
    with ``.test_accuracy`` set, and cached: a second call in the same process is free
    (do not train it further; it is shared).
    """
    from utils.data import load_mnist

    epochs = _positive_int(epochs, "epochs")
    split = load_mnist(test_size=0.2, seed=0)
    X, y = torch.from_numpy(split.X_train), torch.from_numpy(split.y_train)
    torch.manual_seed(seed)
    model = nn.Sequential(_Standardise(X.mean().item(), X.std().item()), *_lenet())
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    batch = 64
    steps = epochs * -(-len(X) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        for i in range(0, len(X), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        predicted = model(torch.from_numpy(split.X_test)).argmax(1).numpy()
    model.test_accuracy = float((predicted == split.y_test).mean())
    return model


def _images(images, name="images"):
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(np.ascontiguousarray(images))
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a numpy array or a torch tensor, got "
                        f"{type(images).__name__}")
    if images.dim() == 2 and images.shape[1] == 784:
        images = images.reshape(len(images), 1, 28, 28)
    if images.dim() == 3 and tuple(images.shape[1:]) == (28, 28):
        images = images[:, None]
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"{name} must have shape (n, 1, 28, 28), (n, 28, 28) or (n, 784), "
                         f"got {tuple(images.shape)}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty: pass at least one image")
    images = images.detach().float()
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return images


def _check_classifier(model):
    if not isinstance(model, nn.Sequential) or not isinstance(model[-1], nn.Linear) \
            or model[-1].out_features != 10:
        raise TypeError("model must be the classifier returned by digit_classifier() "
                        f"(an nn.Sequential ending in Linear(84, 10)), got {type(model).__name__}")


@torch.no_grad()
def cnn_features(model, images, batch_size: int = 500) -> np.ndarray:
    """The classifier's penultimate activations (after the ReLU of the 84-unit layer).

    ``model``: from :func:`digit_classifier`. ``images``: values in [0, 1], shape
    (n, 1, 28, 28), (n, 28, 28) or (n, 784), numpy or torch. Returns float64 (n, 84).
    """
    _check_classifier(model)
    images = _images(images)
    body = model[:-1].eval()
    return torch.cat([body(images[i:i + batch_size])
                      for i in range(0, len(images), batch_size)]).double().numpy()


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two sets of features.

    ``features_a`` (n_a, d) and ``features_b`` (n_b, d), numpy or detached torch. With means
    ``mu`` and covariances ``S`` (unbiased, ``np.cov``), returns
    ``|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))`` (``scipy.linalg.sqrtm``, real
    part), a float >= 0 (up to rounding). Each set needs more samples than dimensions
    (n > d), or its covariance is singular and the estimate meaningless.
    """
    from scipy import linalg

    a = _as_numpy(features_a, "features_a", ndim=2)
    b = _as_numpy(features_b, "features_b", ndim=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"both sets need the same feature dimension, got {a.shape[1]} and "
                         f"{b.shape[1]}")
    d = a.shape[1]
    for name, f in [("features_a", a), ("features_b", b)]:
        if len(f) <= d:
            raise ValueError(f"{name} has {len(f)} samples for {d} dimensions: the covariance "
                             f"needs more samples than dimensions (at least {d + 1}); pass "
                             "more samples (FID uses thousands) or fewer features")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root = linalg.sqrtm(cov_a @ cov_b)
    root = np.real(root)
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2 * root)
    return float(distance)


class Scores(NamedTuple):
    """What :func:`sample_scores` measures on a set of generated digits."""

    confidence: float     # mean over images of the classifier's largest softmax probability
    classes: int          # digit classes predicted for at least min_share of the images
    entropy_bits: float   # entropy of the predicted-class histogram, bits (at most log2 10)
    counts: np.ndarray    # (10,) int64: images predicted as each digit

    def __repr__(self) -> str:
        return (f"Scores(confidence={self.confidence:.3f}, classes={self.classes}, "
                f"entropy_bits={self.entropy_bits:.3f})")


@torch.no_grad()
def sample_scores(model, images, min_share: float = 0.05) -> Scores:
    """Score generated digits with the classifier of :func:`digit_classifier`.

    ``images``: values in [0, 1] of shape (n, 1, 28, 28), (n, 28, 28) or (n, 784). Returns
    :class:`Scores`: the mean confidence (largest softmax probability, 1.0 = the classifier is
    sure), how many of the 10 classes are the prediction for at least ``min_share`` of the
    images, and the entropy in bits of the predicted-class histogram (log2 10 = 3.32 when
    every digit is equally frequent, 0 when all images look like one digit).
    """
    _check_classifier(model)
    images = _images(images)
    if not 0 <= min_share <= 1:
        raise ValueError(f"min_share must be a fraction in [0, 1], got {min_share!r}")
    probs = torch.cat([torch.softmax(model.eval()(images[i:i + 500]), dim=1)
                       for i in range(0, len(images), 500)]).double()
    counts = np.bincount(probs.argmax(1).numpy(), minlength=10).astype(np.int64)
    share = counts / counts.sum()
    nonzero = share[share > 0]
    entropy = float(-(nonzero * np.log2(nonzero)).sum())
    return Scores(float(probs.max(1).values.mean()), int((share >= min_share).sum()),
                  entropy + 0.0, counts)
