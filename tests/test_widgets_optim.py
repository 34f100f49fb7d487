"""Tests for utils.widgets_optim: the learning-rate explorer and its static gallery."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import widgets_optim as wo  # noqa: E402


def test_largest_eigenvalue_of_default_problem():
    assert wo.largest_eigenvalue() == pytest.approx(10.0)
    assert wo.largest_eigenvalue(np.diag([3.0, 0.5])) == pytest.approx(3.0)


def test_gallery_has_four_axes():
    fig = wo.lr_gallery()
    try:
        assert len(fig.axes) == 4
        titles = [ax.get_title() for ax in fig.axes]
        for label, _ in wo.GALLERY:
            assert any(label in t for t in titles), (label, titles)
    finally:
        plt.close(fig)


def test_gallery_accepts_a_custom_quadratic():
    H = np.array([[1.33, 1.0], [1.0, 1.0]])
    fig = wo.lr_gallery(steps=10, hessian=H, minimum=[2.0, 1.0])
    try:
        assert len(fig.axes) == 4
    finally:
        plt.close(fig)


def test_path_shape_and_start():
    path, losses = wo.gd_path(0.05, steps=7, start=[1.0, -1.0])
    assert path.shape == (8, 2)
    assert losses.shape == (8,)
    np.testing.assert_allclose(path[0], [1.0, -1.0])


def test_gd_step_matches_hand_computation():
    H, m = np.diag([2.0, 1.0]), np.array([1.0, 0.0])
    path, losses = wo.gd_path(0.25, steps=1, start=[3.0, 2.0], hessian=H, minimum=m)
    # w - lr * H (w - m) = (3, 2) - 0.25 * (4, 2) = (2, 1.5)
    np.testing.assert_allclose(path[1], [2.0, 1.5])
    assert losses[0] == pytest.approx(0.5 * (2 * 4 + 1 * 4))


@pytest.mark.parametrize("factor", [0.1, 1.0, 1.9])
def test_below_two_over_lambda_max_converges(factor):
    lr = factor / wo.largest_eigenvalue()
    _, losses = wo.gd_path(lr, steps=2000)
    assert losses[-1] < 1e-6 * losses[0]
    assert np.all(np.diff(losses) <= 0)  # the loss never rises below the limit


def test_divergent_case_loss_grows():
    lam = wo.largest_eigenvalue()
    label, factor = wo.GALLERY[-1]
    assert label == "divergent" and factor > 2
    _, losses = wo.gd_path(factor / lam, steps=30)
    assert losses[-1] > 10 * losses[0]
    assert np.all(np.diff(losses[5:]) > 0)  # once the steep direction dominates, it only grows


def test_oscillating_case_changes_sign_along_steep_direction():
    H = wo.DEFAULT_HESSIAN
    eigvals, eigvecs = np.linalg.eigh(H)
    steep = eigvecs[:, np.argmax(eigvals)]
    path, _ = wo.gd_path(1.9 / eigvals.max(), steps=6)
    coords = (path - wo.DEFAULT_MINIMUM) @ steep
    assert np.all(np.sign(coords[1:]) == -np.sign(coords[:-1]))


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rate_raises(lr):
    with pytest.raises(ValueError, match="lr must be a positive finite number"):
        wo.gd_path(lr)


def test_non_numeric_learning_rate_raises():
    with pytest.raises(TypeError, match="lr must be a number"):
        wo.gd_path("0.1")


@pytest.mark.parametrize("steps, error", [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_bad_steps_raise(steps, error):
    with pytest.raises(error, match="steps"):
        wo.gd_path(0.1, steps=steps)


@pytest.mark.parametrize("H, message", [
    (np.eye(3), "2x2"),
    ([[1.0, 2.0], [0.0, 1.0]], "symmetric"),
    ([[1.0, 0.0], [0.0, -1.0]], "positive definite"),
    ([[1.0, 0.0], [0.0, np.nan]], "finite"),
])
def test_bad_hessian_raises(H, message):
    with pytest.raises(ValueError, match=message):
        wo.lr_gallery(hessian=H)


def test_bad_minimum_and_start_raise():
    with pytest.raises(ValueError, match="minimum"):
        wo.gd_path(0.1, minimum=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="start"):
        wo.gd_path(0.1, start=[1.0])


def test_explorer_builds_a_widget():
    widgets = pytest.importorskip("ipywidgets")
    box = wo.lr_explorer()
    try:
        assert isinstance(box, widgets.VBox)
        sliders = box.children[0].children
        lam = wo.largest_eigenvalue()
        # the default slider position is 1 / lambda_max, inside the convergent range
        assert 10 ** sliders[0].value * lam == pytest.approx(1.0, rel=0.05)
    finally:
        plt.close("all")


def test_momentum_steps_match_hand_computation():
    H, m = wo.DEFAULT_HESSIAN, np.array([0.5, -1.0])
    start, lr, mu = np.array([1.0, 2.0]), 0.05, 0.8
    path, _ = wo.gd_path(lr, 3, start=start, hessian=H, minimum=m, momentum=mu)
    w, v = start.copy(), np.zeros(2)
    for k in range(3):
        v = mu * v - lr * H @ (w - m)
        w = w + v
        np.testing.assert_allclose(path[k + 1], w, rtol=1e-12, atol=1e-12)


def test_momentum_converges_beyond_the_gd_limit():
    lam, mu = wo.largest_eigenvalue(), 0.5
    lr = 2.5 / lam  # divergent for gradient descent, stable below 2 (1 + mu) / lam = 3 / lam
    _, gd = wo.gd_path(lr, 200)
    _, heavy = wo.gd_path(lr, 200, momentum=mu)
    assert gd[-1] > gd[0] and heavy[-1] < 1e-6 * heavy[0]
    _, too_far = wo.gd_path(3.1 / lam, 200, momentum=mu)
    assert too_far[-1] > too_far[0]


def test_adam_first_step_has_size_lr_in_every_coordinate():
    start = np.array([3.0, -0.2])  # gradient components of very different sizes
    path, losses = wo.gd_path(0.01, 1, start=start, method="adam")
    np.testing.assert_allclose(np.abs(path[1] - path[0]), [0.01, 0.01], rtol=1e-5)
    _, long = wo.gd_path(0.05, 400, start=start, method="adam")
    assert long[-1] < 1e-3 * long[0]


@pytest.mark.parametrize("momentum, error", [(1.0, ValueError), (-0.1, ValueError),
                                             ("0.9", TypeError), (True, TypeError)])
def test_bad_momentum_raises(momentum, error):
    with pytest.raises(error):
        wo.gd_path(0.1, 5, momentum=momentum)


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="method"):
        wo.gd_path(0.1, 5, method="sgd")


def test_optimizer_gallery_has_three_axes():
    fig = wo.optimizer_gallery()
    try:
        assert len(fig.axes) == 3
    finally:
        plt.close(fig)
