import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import utils
from utils import plot, train, widgets


def test_seed_everything_makes_numpy_and_torch_repeatable():
    utils.seed_everything(7)
    a = (np.random.rand(3), torch.rand(3))
    utils.seed_everything(7)
    b = (np.random.rand(3), torch.rand(3))
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])


def test_seed_everything_returns_nothing_so_a_cell_prints_no_stray_zero():
    assert utils.seed_everything(0) is None


@pytest.mark.parametrize("bad", ["0", 1.5, -1, True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed"):
        utils.seed_everything(bad)


def test_device_and_colab_detection():
    assert utils.device().type in {"cpu", "cuda"}
    assert utils.in_colab() is False
    assert "numpy" in utils.env.versions()


def test_decision_boundary_draws_and_validates():
    X, y = utils.data.toy_2d("blobs", n=40)
    ax = plot.decision_boundary(lambda g: (g[:, 0] > 0).astype(int), X, y, resolution=20)
    assert ax.get_xlabel() == "$x_1$"
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot.decision_boundary(lambda g: g[:, 0], np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="labels"):
        plot.decision_boundary(lambda g: g[:, 0], np.zeros((5, 2)), np.zeros(4))
    plt.close("all")


def test_history_and_image_grid_validate_input():
    ax = plot.history({"loss": [3, 2, 1]})
    assert len(ax.lines) == 1
    with pytest.raises(TypeError, match="dict"):
        plot.history([1, 2, 3])
    with pytest.raises(ValueError, match="reshape"):
        plot.image_grid(np.zeros((4, 64)))
    fig = plot.image_grid(np.zeros((3, 8, 8)), labels=[0, 1, 2], ncols=2)
    assert len(fig.axes) == 4
    plt.close("all")


def test_fit_trains_a_real_classifier():
    utils.seed_everything(0)
    split = utils.data.load_dataset("iris")
    train_loader, test_loader = train.loaders(split, batch_size=16)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    hist = train.fit(model, train_loader, torch.nn.CrossEntropyLoss(), opt, epochs=30,
                     val_loader=test_loader, progress=False)
    assert hist["train_loss"][-1] < hist["train_loss"][0] / 3
    assert hist["val_acc"][-1] >= 0.9
    with pytest.raises(ValueError, match="epochs"):
        train.fit(model, train_loader, torch.nn.CrossEntropyLoss(), opt, epochs=0)


@pytest.mark.parametrize("name", list(widgets.ACTIVATIONS))
def test_activation_derivatives_match_finite_differences(name):
    f, df, _, default = widgets.ACTIVATIONS[name]
    x = np.linspace(-3, 3, 61) + 0.013  # avoid the kink at exactly 0
    numeric = utils.check.numerical_gradient(lambda v: float(np.sum(f(v, default))), x)
    np.testing.assert_allclose(df(x, default), numeric, atol=1e-5)


def test_activation_gallery_and_explorer():
    fig = widgets.activation_gallery()
    assert len(fig.axes) == 6
    box = widgets.activation_explorer()
    dropdown, slider = box.children[0].children
    dropdown.value = "relu"
    assert slider.disabled
    dropdown.value = "elu"
    assert not slider.disabled and slider.value == 1.0
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        widgets.plot_activation("swish")
    plt.close("all")
