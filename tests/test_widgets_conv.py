"""Tests for utils.widgets_conv: kernels on a real digit, the explorer and its gallery."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from utils import widgets_conv as wc  # noqa: E402

# The source notes' worked example (seeds/004): a 5x5 input and the vertical-edge kernel.
NOTES_INPUT = np.array([[7, 2, 3, 3, 8],
                        [4, 5, 3, 8, 4],
                        [3, 3, 2, 8, 4],
                        [2, 8, 7, 2, 7],
                        [5, 4, 4, 5, 4]], dtype=float)


def reference(image, kernel, padding):
    """torch.nn.functional.conv2d (a cross-correlation) on one 2-D image, in float64."""
    x = torch.tensor(np.asarray(image, dtype=np.float64))[None, None]
    k = torch.tensor(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, k, padding=padding)[0, 0].numpy()


def test_every_kernel_is_a_finite_3x3_float_array():
    assert len(wc.KERNELS) >= 8
    for name, k in wc.KERNELS.items():
        assert k.shape == (3, 3) and k.dtype == np.float64, name
        assert np.all(np.isfinite(k)), name
    for name in wc.GALLERY_KERNELS:
        assert name in wc.KERNELS


def test_blurs_keep_brightness_and_edge_kernels_sum_to_zero():
    for name in ("identity", "box blur", "Gaussian blur", "sharpen"):
        assert wc.KERNELS[name].sum() == pytest.approx(1.0), name
    for name in ("vertical edge", "horizontal edge", "Sobel x", "Sobel y", "Laplacian",
                 "outline"):
        assert wc.KERNELS[name].sum() == pytest.approx(0.0), name


def test_get_kernel_returns_a_copy_and_ignores_case():
    k = wc.get_kernel("sobel X")
    np.testing.assert_array_equal(k, wc.KERNELS["Sobel x"])
    k[0, 0] = 99.0
    assert wc.KERNELS["Sobel x"][0, 0] == -1.0  # the table itself is untouched


def test_notes_worked_example_gives_the_known_result():
    out = wc.apply_kernel(NOTES_INPUT, "vertical edge", padding="valid")
    assert out.shape == (3, 3)
    # top-left, by hand: (7 + 4 + 3) - (3 + 3 + 2) = 6, as in the notes
    assert out[0, 0] == 6.0
    # middle: columns 1 and 3 of rows 1..3: (5 + 3 + 8) - (8 + 8 + 2) = -2
    assert out[1, 1] == -2.0
    expected = np.array([[6, -9, -8], [-3, -2, -3], [-3, 0, -2]], dtype=float)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, reference(NOTES_INPUT, wc.KERNELS["vertical edge"], 0))


@pytest.mark.parametrize("padding, torch_padding, shape", [
    ("same", 1, (28, 28)), ("valid", 0, (26, 26)), (0, 0, (26, 26)), (2, 2, (30, 30)),
])
def test_shapes_and_values_match_conv2d(padding, torch_padding, shape):
    rng = np.random.default_rng(0)
    image, kernel = rng.random((28, 28)), rng.standard_normal((3, 3))
    out = wc.apply_kernel(image, kernel, padding=padding)
    assert out.shape == shape
    np.testing.assert_allclose(out, reference(image, kernel, torch_padding), atol=1e-12)


def test_non_square_image_and_kernel_are_not_transposed():
    rng = np.random.default_rng(1)
    image, kernel = rng.random((6, 11)), rng.standard_normal((3, 5))
    out = wc.apply_kernel(image, kernel)                       # same padding: (1, 2)
    assert out.shape == (6, 11)
    np.testing.assert_allclose(out, reference(image, kernel, (1, 2)), atol=1e-12)
    valid = wc.apply_kernel(image, kernel, padding="valid")
    assert valid.shape == (4, 7)


def test_identity_returns_the_image_and_zero_sum_kernels_ignore_flat_regions():
    digit = wc.sample_digits()[0][7]
    np.testing.assert_array_equal(wc.apply_kernel(digit, "identity"), digit)
    flat = np.full((9, 9), 0.7)
    for name in ("vertical edge", "Sobel y", "Laplacian"):
        inner = wc.apply_kernel(flat, name)[1:-1, 1:-1]  # away from the zero border
        np.testing.assert_allclose(inner, 0.0, atol=1e-12)


def test_vertical_edge_kernel_sign_on_a_step_edge():
    step = np.zeros((5, 6))
    step[:, :3] = 1.0   # bright on the left, dark on the right
    out = wc.apply_kernel(step, "vertical edge", padding="valid")
    # windows straddling the edge see a bright left column and a dark right one
    np.testing.assert_array_equal(out[:, 1], [3.0, 3.0, 3.0])
    np.testing.assert_array_equal(out[:, 0], [0.0, 0.0, 0.0])   # all bright


def test_torch_tensors_and_lists_are_accepted():
    image = torch.arange(25.0).reshape(5, 5)
    out = wc.apply_kernel(image, [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(out, image.numpy())


def test_sample_digits_are_one_real_digit_per_class():
    images, labels = wc.sample_digits()
    assert images.shape == (10, 28, 28) and images.dtype == np.float64
    assert list(labels) == list(range(10))
    assert images.min() >= 0.0 and images.max() <= 1.0 and images.max() > 0.5
    images[0] = -1.0
    assert wc.sample_digits()[0].min() >= 0.0   # callers get copies


@pytest.mark.parametrize("image, fix", [
    (np.zeros((1, 28, 28)), "X[i, 0]"),
    (np.zeros((4, 1, 28, 28)), "X[i, 0]"),
    (np.zeros(784), "reshape"),
    (np.zeros((3, 8, 8)), "(height, width)"),
])
def test_image_that_is_not_2d_raises_with_a_fix(image, fix):
    with pytest.raises(ValueError, match="image must be 2-D") as info:
        wc.apply_kernel(image, "identity")
    assert fix in str(info.value) and str(np.shape(image)) in str(info.value)


@pytest.mark.parametrize("kernel, message", [
    (np.ones(3), "kernel must be 2-D"),
    (np.ones((2, 1, 3, 3)), "W\\[o, c\\]"),
    (np.ones((2, 2)), "odd sides"),
    (np.ones((3, 4)), "odd sides"),
    (np.full((3, 3), np.nan), "NaN"),
    (np.ones((0, 3)), "empty"),
])
def test_bad_kernel_raises(kernel, message):
    with pytest.raises(ValueError, match=message):
        wc.apply_kernel(np.zeros((8, 8)), kernel)


def test_even_kernel_works_without_same_padding():
    out = wc.apply_kernel(np.ones((4, 4)), np.ones((2, 2)), padding="valid")
    np.testing.assert_array_equal(out, np.full((3, 3), 4.0))


def test_kernel_larger_than_image_raises():
    with pytest.raises(ValueError, match="larger than the padded image"):
        wc.apply_kernel(np.ones((3, 3)), np.ones((5, 5)), padding="valid")


def test_unknown_kernel_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown kernel 'blurry'.*Gaussian blur"):
        wc.apply_kernel(np.ones((5, 5)), "blurry")


@pytest.mark.parametrize("padding, error", [
    (-1, ValueError), ("full", ValueError), (1.5, TypeError), (True, TypeError),
])
def test_bad_padding_raises(padding, error):
    with pytest.raises(error, match="padding"):
        wc.apply_kernel(np.ones((5, 5)), "identity", padding=padding)


def test_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="image must be numeric"):
        wc.apply_kernel([["a", "b"], ["c", "d"]], "identity")
    with pytest.raises(TypeError, match="kernel name must be a string"):
        wc.get_kernel(3)


def test_plot_kernel_result_draws_three_panels():
    axes = wc.plot_kernel_result(NOTES_INPUT, "Sobel x", title="Sobel")
    try:
        assert len(axes) == 3
        assert axes[1].get_title() == "Sobel"
        assert axes[2].get_title().startswith("feature map")
    finally:
        plt.close("all")


def test_gallery_has_a_kernel_and_a_map_per_name():
    fig = wc.kernel_gallery()
    try:
        titles = [ax.get_title() for ax in fig.axes if ax.axison]
        for name in wc.GALLERY_KERNELS:
            assert name in titles
        assert titles.count("feature map") == len(wc.GALLERY_KERNELS)
        assert "the digit" in titles
    finally:
        plt.close(fig)


def test_gallery_accepts_an_image_and_names():
    fig = wc.kernel_gallery(NOTES_INPUT, names=("identity", "outline"), per_row=1)
    try:
        titles = [ax.get_title() for ax in fig.axes if ax.axison]
        assert titles.count("feature map") == 2
    finally:
        plt.close(fig)


def test_gallery_rejects_bad_names():
    with pytest.raises(ValueError, match="at least one kernel"):
        wc.kernel_gallery(NOTES_INPUT, names=())
    with pytest.raises(ValueError, match="unknown kernel"):
        wc.kernel_gallery(NOTES_INPUT, names=("identity", "nope"))
    with pytest.raises(ValueError, match="per_row"):
        wc.kernel_gallery(NOTES_INPUT, per_row=0)


def _explorer_parts(box):
    (choice, index), (grid, _) = box.children[0].children, box.children[1].children
    return choice, index, grid.children


def test_explorer_presets_fill_the_grid_and_edits_switch_to_custom():
    pytest.importorskip("ipywidgets")
    box = wc.conv_explorer()
    try:
        choice, index, cells = _explorer_parts(box)
        assert len(cells) == 9 and index.max == 9
        values = np.array([c.value for c in cells]).reshape(3, 3)
        np.testing.assert_array_equal(values, wc.KERNELS[choice.value])
        choice.value = "Sobel y"
        values = np.array([c.value for c in cells]).reshape(3, 3)
        np.testing.assert_array_equal(values, wc.KERNELS["Sobel y"])
        cells[4].value = 3.0            # the learner types a weight
        assert choice.value == "custom"
        assert cells[4].value == 3.0 and cells[0].value == -1.0   # typed weights kept
    finally:
        plt.close("all")


def test_explorer_accepts_load_mnist_shaped_images_and_rejects_others():
    pytest.importorskip("ipywidgets")
    images = np.random.default_rng(0).random((3, 1, 12, 12))
    box = wc.conv_explorer(images)
    try:
        _, index, _ = _explorer_parts(box)
        assert index.max == 2
    finally:
        plt.close("all")
    with pytest.raises(ValueError, match="images must have shape"):
        wc.conv_explorer(np.zeros((12, 12)))
    with pytest.raises(ValueError, match="labels"):
        wc.conv_explorer(images, labels=[1, 2])
