"""Tests for utils.widgets_latent: input checks, the figures it draws, the explorer."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from utils import widgets_latent as wl  # noqa: E402

RNG = np.random.default_rng(0)
CODES = RNG.normal(size=(50, 2))
LABELS = RNG.integers(0, 10, size=50)


def stripes(z):
    """A known decoder: an 8x8 image whose left half is sigmoid(z1), right half sigmoid(z2)."""
    z = np.asarray(z)
    images = np.empty((len(z), 8, 8))
    images[:, :, :4] = 1 / (1 + np.exp(-z[:, :1, None]))
    images[:, :, 4:] = 1 / (1 + np.exp(-z[:, 1:, None]))
    return images


def test_check_codes_accepts_arrays_and_tensors_and_refuses_bad_shapes():
    assert wl.check_codes(CODES, LABELS).shape == (50, 2)
    assert wl.check_codes(torch.tensor(CODES)).dtype == np.float64
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*J = 2"):
        wl.check_codes(RNG.normal(size=(50, 16)))
    with pytest.raises(ValueError, match="50 codes but 49 labels"):
        wl.check_codes(CODES, LABELS[:49])
    with pytest.raises(ValueError, match="NaN"):
        wl.check_codes(np.full((3, 2), np.nan))
    with pytest.raises(TypeError, match="numeric"):
        wl.check_codes("codes")


def test_decode_points_reshapes_flat_and_channel_outputs():
    flat = wl.decode_points(lambda z: stripes(z).reshape(len(z), 64), CODES[:3])
    np.testing.assert_allclose(flat, stripes(CODES[:3]))
    channel = wl.decode_points(lambda z: stripes(z)[:, None], CODES[:3])
    np.testing.assert_allclose(channel, stripes(CODES[:3]))


def test_decode_points_says_what_is_wrong_with_a_bad_decoder():
    with pytest.raises(ValueError, match="apply torch.sigmoid"):
        wl.decode_points(lambda z: 5 * stripes(z) - 2, CODES[:3])  # logits, not pixels
    with pytest.raises(ValueError, match="not a square image"):
        wl.decode_points(lambda z: np.zeros((len(z), 10)), CODES[:3])
    with pytest.raises(ValueError, match=r"one image per point, shape \(3, H, W\)"):
        wl.decode_points(lambda z: stripes(z)[:2], CODES[:3])
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        wl.decode_points(stripes, np.zeros((3, 3)))


def test_torch_decoder_applies_the_sigmoid_to_logits():
    torch.manual_seed(0)
    decoder = nn.Linear(2, 16)
    z = RNG.normal(size=(4, 2))
    expected = torch.sigmoid(decoder(torch.tensor(z, dtype=torch.float32))).detach().numpy()
    np.testing.assert_allclose(wl.torch_decoder(decoder)(z), expected, atol=1e-7)
    assert wl.decode_points(wl.torch_decoder(decoder), z).shape == (4, 4, 4)


def test_latent_map_scatters_every_code_and_marks_the_point():
    ax = wl.plot_latent_map(CODES, LABELS, point=(0.5, -1.0))
    np.testing.assert_allclose(ax.collections[0].get_offsets(), CODES)
    np.testing.assert_array_equal(ax.collections[0].get_array(), LABELS)
    (cross,) = ax.lines
    np.testing.assert_allclose(cross.get_xydata(), [[0.5, -1.0]])
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="two finite numbers"):
        wl.plot_latent_map(CODES, LABELS, point=(1, 2, 3))


def test_plot_decoded_shows_the_decoding_of_that_point():
    ax = wl.plot_decoded(stripes, (2.0, -2.0))
    np.testing.assert_allclose(ax.get_images()[0].get_array(), stripes(np.array([[2.0, -2.0]]))[0])
    assert ax.get_title() == "z = (2.00, -2.00)"
    plt.close(ax.figure)


@pytest.mark.parametrize("k", [1, 4, 5])
def test_gallery_draws_the_map_and_one_decoding_per_point(k):
    points = RNG.normal(size=(k, 2))
    fig = wl.latent_gallery(stripes, CODES, LABELS, points, title="test")
    images = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    assert len(images) == k
    np.testing.assert_allclose(np.stack(images), stripes(points))
    map_ax = next(ax for ax in fig.axes if ax.collections)
    np.testing.assert_allclose(np.vstack([line.get_xydata() for line in map_ax.lines]), points)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        wl.latent_gallery(stripes, CODES, LABELS, np.zeros((0, 2)))


def test_explorer_builds_and_redraws_without_a_display():
    widgets = pytest.importorskip("ipywidgets")
    box = wl.latent_explorer(stripes, CODES, LABELS, limit=2.5)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["z1", "z2"]
    assert sliders[0].min == -2.5 and sliders[1].max == 2.5
    sliders[1].value = 1.5  # moving a slider redraws without error
    assert isinstance(box, widgets.VBox)
    plt.close("all")
    with pytest.raises(ValueError, match="positive number"):
        wl.latent_explorer(stripes, CODES, LABELS, limit=0)
    with pytest.raises(ValueError, match="apply torch.sigmoid"):
        wl.latent_explorer(lambda z: stripes(z) - 1, CODES, LABELS)
