"""The convolution-filter explorer: slide a small kernel over a real handwritten digit.

    from utils import widgets_conv
    widgets_conv.kernel_gallery()                  # static figure: several kernels, one digit
    widgets_conv.conv_explorer()                   # pick a kernel and a digit, edit the 3x3
    fmap = widgets_conv.apply_kernel(image, "Sobel x")   # image: a 2-D (height, width) array

:func:`apply_kernel` computes what deep-learning libraries call a convolution, which is a
cross-correlation: ``out[i, j] = sum_{u, v} kernel[u, v] * padded[i + u, j + v]``, where
``padded`` is the image with a border of zeros. Chapter 3 derives it and checks it against
``torch.nn.functional.conv2d``; this module only computes and draws it. On the website there is
no kernel to run the explorer, so :func:`kernel_gallery` draws the same idea as a plain figure.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

# Classic 3x3 image-processing kernels. The weights of a CNN's first layer are learned, but
# they often end up looking like some of these (blurs, edge and spot detectors).
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box blur": [[1 / 9] * 3] * 3,
    "Gaussian blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16],
                      [1 / 16, 2 / 16, 1 / 16]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    # the source notes' vertical-edge kernel: positive where the left column is brighter
    "vertical edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "horizontal edge": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}
KERNELS = {name: np.array(k, dtype=np.float64) for name, k in KERNELS.items()}

GALLERY_KERNELS = ("identity", "Gaussian blur", "sharpen", "vertical edge", "horizontal edge",
                   "Sobel x", "Laplacian", "outline")


def get_kernel(name: str) -> np.ndarray:
    """A copy of the named kernel from :data:`KERNELS` (the name's case does not matter)."""
    if not isinstance(name, str):
        raise TypeError(f"a kernel name must be a string, got {type(name).__name__}")
    for key, value in KERNELS.items():
        if key.lower() == name.lower():
            return value.copy()
    raise ValueError(f"unknown kernel {name!r}; choose one of: {', '.join(KERNELS)}")


def _numeric_2d(value, what, hint):
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be numeric (a 2-D array, list of lists or tensor), got "
                        f"{type(value).__name__}") from exc
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D, got shape {arr.shape}; {hint}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains NaN or infinite values; replace them first")
    return arr


def as_image(image) -> np.ndarray:
    """``image`` as a float64 ``(height, width)`` array, with a clear error otherwise."""
    shape = np.shape(image)
    if len(shape) == 3 and shape[0] == 1:
        hint = "drop the channel axis, e.g. X[i, 0] for a digit from load_mnist"
    elif len(shape) == 4:
        hint = "pick one image and its channel, e.g. X[i, 0] for a digit from load_mnist"
    elif len(shape) == 1:
        hint = "reshape a flat image first, e.g. x.reshape(28, 28)"
    else:
        hint = "pass one grey-scale image of shape (height, width)"
    return _numeric_2d(image, "image", hint)


def as_kernel(kernel) -> np.ndarray:
    """``kernel`` (a 2-D array, or a name from :data:`KERNELS`) as a float64 array."""
    if isinstance(kernel, str):
        return get_kernel(kernel)
    hint = ("a kernel is a small 2-D grid of weights such as [[1, 0, -1], [1, 0, -1], "
            "[1, 0, -1]]")
    if np.ndim(kernel) == 4:
        hint = "for a Conv2d weight of shape (C_out, C_in, K_h, K_w) pass one slice, W[o, c]"
    return _numeric_2d(kernel, "kernel", hint)


def apply_kernel(image, kernel, padding="same") -> np.ndarray:
    """Slide ``kernel`` over ``image`` (a cross-correlation) and return the feature map.

    ``image`` is a 2-D ``(height, width)`` array or tensor; ``kernel`` a 2-D ``(K_h, K_w)``
    array or a name from :data:`KERNELS`. ``padding`` is ``"same"`` (a zero border of
    ``K // 2`` on each side, so that the feature map has the image's size; needs odd kernel
    sides), ``"valid"`` (no padding) or a number of zero rows and columns added on every side.
    Returns a float64 array of shape ``(H + 2 P - K_h + 1, W + 2 P - K_w + 1)``.
    """
    x, k = as_image(image), as_kernel(kernel)
    kh, kw = k.shape
    if isinstance(padding, str):
        if padding == "valid":
            ph = pw = 0
        elif padding == "same":
            if kh % 2 == 0 or kw % 2 == 0:
                raise ValueError(f"padding='same' needs a kernel with odd sides, got shape "
                                 f"{k.shape}; use padding='valid' or an odd kernel such as 3x3")
            ph, pw = kh // 2, kw // 2
        else:
            raise ValueError(f"padding must be 'same', 'valid' or an int >= 0, got {padding!r}")
    elif isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        ph = pw = int(padding)
    else:
        raise TypeError(f"padding must be 'same', 'valid' or an int, got "
                        f"{type(padding).__name__}")
    padded = np.pad(x, ((ph, ph), (pw, pw)))
    if padded.shape[0] < kh or padded.shape[1] < kw:
        raise ValueError(f"the kernel {k.shape} is larger than the padded image "
                         f"{padded.shape}; use a smaller kernel or more padding")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))  # (H', W', kh, kw)
    return np.einsum("ijuv,uv->ij", windows, k)


@lru_cache(maxsize=1)
def _digits():
    from .data import load_mnist

    split = load_mnist()
    picks = [int(np.flatnonzero(split.y_test == d)[0]) for d in range(10)]
    return split.X_test[picks, 0].astype(np.float64), split.y_test[picks]


def sample_digits():
    """One real test digit of each class, ``(images (10, 28, 28) in [0, 1], labels (10,))``."""
    images, labels = _digits()
    return images.copy(), labels.copy()


def _kernel_text(value):
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2g}"


def _bare(ax):
    """No ticks, grid or frame: the axes only hold a picture."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def draw_kernel(kernel, ax=None, title=None, fontsize=9):
    """Draw a small kernel as a red/blue grid with its numbers written in the cells."""
    k = as_kernel(kernel)
    ax = ax if ax is not None else plt.subplots(figsize=(2, 2))[1]
    vmax = max(float(np.abs(k).max()), 1e-12)
    ax.imshow(k, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    for (i, j), value in np.ndenumerate(k):
        dark = abs(value) > 0.6 * vmax  # white text on the darkest cells stays readable
        ax.text(j, i, _kernel_text(value), ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")
    _bare(ax)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _draw_map(ax, values, title, signed):
    _bare(ax)
    if signed:
        vmax = max(float(np.abs(values).max()), 1e-12)
        ax.imshow(values, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    else:
        ax.imshow(values, cmap="gray_r")
    ax.set_title(title, fontsize=10)


def plot_kernel_result(image, kernel, title=None, axes=None):
    """Three panels: the image, the kernel with its numbers, and the feature map.

    The feature map is drawn in red (positive) and blue (negative) around white for zero, so a
    kernel's sign is visible. Returns the three axes.
    """
    x, k = as_image(image), as_kernel(kernel)
    fmap = apply_kernel(x, k)
    if axes is None:
        axes = plt.subplots(1, 3, figsize=(8, 2.9))[1]
    _draw_map(axes[0], x, "image", signed=False)
    draw_kernel(k, ax=axes[1], title=title or "kernel")
    _draw_map(axes[2], fmap, f"feature map (range {fmap.min():.2g} to {fmap.max():.2g})",
              signed=True)
    return axes


def kernel_gallery(image=None, names=GALLERY_KERNELS, per_row=4):
    """Static fallback: several kernels applied to one digit, each kernel above its map.

    ``image`` defaults to the first test digit of class 3 from :func:`utils.data.load_mnist`.
    The digit comes first, then ``per_row`` kernels per row of the figure. Returns the figure.
    """
    x = sample_digits()[0][3] if image is None else as_image(image)
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("names must list at least one kernel, e.g. ('identity', 'Sobel x')")
    if isinstance(per_row, bool) or not isinstance(per_row, (int, np.integer)) or per_row < 1:
        raise ValueError(f"per_row must be a positive int, got {per_row!r}")
    kernels = [as_kernel(name) for name in names]  # unknown names fail here, before drawing
    cols = min(per_row, len(names))
    rows = -(-len(names) // cols)  # ceiling division
    fig, axes = plt.subplots(2 * rows, cols + 1, figsize=(1.8 * (cols + 1), 3.6 * rows),
                             squeeze=False)
    _draw_map(axes[1, 0], x, "the digit", signed=False)
    used = {(1, 0)}
    for n, (name, k) in enumerate(zip(names, kernels, strict=True)):
        row, col = 2 * (n // cols), 1 + n % cols
        draw_kernel(k, ax=axes[row, col], title=name, fontsize=8)
        _draw_map(axes[row + 1, col], apply_kernel(x, k), "feature map", signed=True)
        used |= {(row, col), (row + 1, col)}
    for (row, col), ax in np.ndenumerate(axes):
        if (row, col) not in used:
            ax.set_axis_off()
    fig.tight_layout()
    return fig


def conv_explorer(images=None, labels=None):
    """Pick a kernel and a digit, or type your own 3x3 weights, and watch the feature map.

    ``images`` (``(n, height, width)``) defaults to one real test digit of each class. Needs a
    live kernel (JupyterLab, Colab); the website shows :func:`kernel_gallery` instead.
    """
    import ipywidgets as w

    if images is None:
        images, labels = sample_digits()
    images = np.asarray(images.detach().cpu().numpy() if hasattr(images, "detach") else images,
                        dtype=np.float64)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]  # (n, 1, H, W) as load_mnist returns it
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n, height, width) or (n, 1, height, width), "
                         f"got {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")

    presets = [name for name, k in KERNELS.items() if k.shape == (3, 3)]
    choice = w.Dropdown(options=presets + ["custom"], value="vertical edge",
                        description="kernel")
    index = w.IntSlider(value=min(3, len(images) - 1), min=0, max=len(images) - 1,
                        description="digit", continuous_update=False)
    cells = [w.FloatText(value=0.0, step=0.1, layout=w.Layout(width="70px"))
             for _ in range(9)]
    grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="repeat(3, 76px)"))
    out = w.Output()
    state = {"loading": False}

    def current_kernel():
        return np.array([c.value for c in cells], dtype=np.float64).reshape(3, 3)

    def redraw(*_):
        if state["loading"]:
            return
        i = index.value
        name = f"digit {labels[i]}" if labels is not None else f"image {i}"
        with out:
            out.clear_output(wait=True)
            plot_kernel_result(images[i], current_kernel(), title=f"{choice.value} on {name}")
            plt.show()

    def load_preset(change):
        if change["new"] == "custom":
            return
        state["loading"] = True
        for cell, value in zip(cells, KERNELS[change["new"]].ravel(), strict=True):
            cell.value = float(value)
        state["loading"] = False
        redraw()

    def edited(_):
        if state["loading"]:
            return
        if choice.value != "custom" and not np.allclose(current_kernel(), KERNELS[choice.value]):
            state["loading"] = True
            choice.value = "custom"  # keeps the typed weights
            state["loading"] = False
        redraw()

    choice.observe(load_preset, names="value")
    index.observe(redraw, names="value")
    for cell in cells:
        cell.observe(edited, names="value")
    load_preset({"new": choice.value})
    help_text = w.HTML("Choose a preset, or type weights into the 3&times;3 grid (the preset "
                       "becomes <i>custom</i>). Red is positive, blue negative.")
    return w.VBox([w.HBox([choice, index]), w.HBox([grid, help_text]), out])
