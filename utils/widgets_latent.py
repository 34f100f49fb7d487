"""The latent explorer: move a point over a 2-D latent plane and see what the decoder draws.

    from utils import widgets_latent as wl
    decode = wl.torch_decoder(model.decoder)         # z (n, 2) -> images (n, 28, 28) in [0, 1]
    wl.plot_latent_map(codes, labels, point=(0, 1))  # the encoded data, one colour per class
    wl.plot_decoded(decode, (0, 1))                  # the image the decoder makes of one code
    wl.latent_gallery(decode, codes, labels, [(-1, 0), (0, 0), (1, 0)])  # static fallback
    wl.latent_explorer(decode, codes, labels)        # two sliders z1, z2 (needs a kernel)

A decoder with a two-dimensional latent code (chapter 6) maps each point of a plane to an
image. ``decode`` is any function taking an array of codes, shape (n, 2), and returning n
images, shape (n, H, W) or (n, H * W) with H = W, values in [0, 1] (for a decoder that outputs
logits, apply the sigmoid; :func:`torch_decoder` does). ``codes`` are encoded data points,
shape (n, 2), and ``labels`` their classes (n integers), used only to colour the map.

On the website there is no kernel to run the explorer, so :func:`latent_gallery` draws the
decodings at a few fixed slider positions instead.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .widgets_attention import _as_numpy  # one tensor-or-array converter for the widgets


def check_codes(codes, labels=None) -> np.ndarray:
    """Validate 2-D latent codes (n, 2) and, if given, one label per code."""
    z = _as_numpy(codes, "codes")
    if z.ndim != 2 or z.shape[1] != 2 or len(z) == 0:
        raise ValueError(f"codes must have shape (n, 2): one 2-D latent code per row, got "
                         f"shape {z.shape}; the explorer needs a model with J = 2")
    if not np.all(np.isfinite(z)):
        raise ValueError("codes contain NaN or infinity; did the encoder's training diverge?")
    if labels is not None and len(labels) != len(z):
        raise ValueError(f"{len(z)} codes but {len(labels)} labels: pass one label per code")
    return z


def _point(point):
    p = _as_numpy(point, "point").reshape(-1)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"a latent point is two finite numbers (z1, z2), got {point!r}")
    return p


def decode_points(decode, points) -> np.ndarray:
    """Call ``decode`` on points (n, 2) and check that it returns n square images in [0, 1].

    Returns a float64 array of shape (n, H, W).
    """
    z = np.atleast_2d(_as_numpy(points, "points"))
    if z.ndim != 2 or z.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {z.shape}")
    images = _as_numpy(decode(z), "the output of decode")
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"decode returned rows of {images.shape[1]} pixels, which is not "
                             "a square image; return shape (n, H, W) instead")
        images = images.reshape(len(images), side, side)
    if images.ndim == 4 and images.shape[1] == 1:  # (n, 1, H, W), as a conv decoder gives
        images = images[:, 0]
    if images.ndim != 3 or len(images) != len(z):
        raise ValueError(f"decode must return one image per point, shape ({len(z)}, H, W) or "
                         f"({len(z)}, H * W), got shape {images.shape}")
    if not np.all(np.isfinite(images)) or images.min() < 0 or images.max() > 1:
        raise ValueError("decode must return pixel values in [0, 1]; if your decoder outputs "
                         "logits, apply torch.sigmoid (utils.widgets_latent.torch_decoder "
                         "does)")
    return images


def torch_decoder(decoder):
    """Wrap a PyTorch decoder that maps codes (n, J) to logits into a ``decode`` function:
    numpy codes in, sigmoid pixel values (n, ...) out, no gradients kept."""
    import torch

    def decode(z):
        with torch.no_grad():
            logits = decoder(torch.as_tensor(np.asarray(z), dtype=torch.float32))
        return torch.sigmoid(logits).double().numpy()

    return decode


def plot_latent_map(codes, labels=None, point=None, ax=None, size: float = 4.0):
    """Scatter the codes, coloured by label (tab10), and mark ``point`` with a black cross."""
    z = check_codes(codes, labels)
    ax = ax if ax is not None else plt.subplots(figsize=(size, size))[1]
    colours = None if labels is None else np.asarray(labels)
    scatter = ax.scatter(z[:, 0], z[:, 1], c=colours, cmap="tab10", s=4, alpha=0.7,
                         vmin=-0.5, vmax=9.5)
    if labels is not None:
        ax.figure.colorbar(scatter, ax=ax, ticks=range(10), fraction=0.046, pad=0.04)
    if point is not None:
        p = _point(point)
        ax.plot(p[0], p[1], "kx", markersize=12, markeredgewidth=2.5)
    ax.set(xlabel="$z_1$", ylabel="$z_2$")
    return ax


def plot_decoded(decode, point, ax=None):
    """Show the image ``decode`` makes of one latent point (z1, z2)."""
    p = _point(point)
    image = decode_points(decode, p[None])[0]
    ax = ax if ax is not None else plt.subplots(figsize=(2.5, 2.5))[1]
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(f"z = ({p[0]:.2f}, {p[1]:.2f})", fontsize=9)
    return ax


def latent_gallery(decode, codes, labels, points, title=None):
    """Static fallback: the latent map with every point marked and numbered, and the image
    decoded at each point. Returns the figure."""
    z = check_codes(codes, labels)
    pts = np.atleast_2d(_as_numpy(points, "points"))
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError(f"points must have shape (k, 2) with k >= 1, got {pts.shape}")
    images = decode_points(decode, pts)
    k = len(pts)
    fig = plt.figure(figsize=(4.2 + 1.6 * math.ceil(k / 2), 4.0))
    grid = fig.add_gridspec(2, 2 + math.ceil(k / 2), width_ratios=[1.3, 1.3]
                            + [1] * math.ceil(k / 2))
    map_ax = fig.add_subplot(grid[:, :2])
    plot_latent_map(z, labels, ax=map_ax)
    for i, (p, image) in enumerate(zip(pts, images)):
        map_ax.plot(p[0], p[1], "kx", markersize=10, markeredgewidth=2)
        map_ax.annotate(str(i + 1), p, xytext=(4, 4), textcoords="offset points",
                        fontsize=10, weight="bold")
        ax = fig.add_subplot(grid[i % 2, 2 + i // 2])
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        ax.set_title(f"{i + 1}: ({p[0]:.1f}, {p[1]:.1f})", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def latent_explorer(decode, codes, labels=None, limit: float = 3.0, step: float = 0.1):
    """Two sliders z1, z2: the decoded image beside the latent map with the point marked.

    Needs a live kernel (JupyterLab, Colab); the website shows :func:`latent_gallery`.
    """
    import ipywidgets as widgets

    z = check_codes(codes, labels)
    if not (isinstance(limit, (int, float)) and math.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive number (the sliders run from -limit to "
                         f"limit), got {limit!r}")
    decode_points(decode, np.zeros((1, 2)))  # a bad decoder fails here, not in a callback
    sliders = [widgets.FloatSlider(value=0.0, min=-limit, max=limit, step=step,
                                   description=name, continuous_update=False)
               for name in ("z1", "z2")]
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6),
                                              gridspec_kw={"width_ratios": [1.4, 1]})
            point = (sliders[0].value, sliders[1].value)
            plot_latent_map(z, labels, point=point, ax=left)
            plot_decoded(decode, point, ax=right)
            fig.tight_layout()
            plt.show()

    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(sliders), out])
