"""Tests for utils.widgets_trees: the numpy trees and boosting, the figures, the playground."""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.ensemble import GradientBoostingRegressor  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402

from utils import widgets_trees as wt  # noqa: E402

X, T = wt.make_data()
GRID = np.linspace(0, 1, 997)


def test_make_data_is_fixed_sorted_and_noisy():
    x, t = wt.make_data()
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(t, T)
    assert x.shape == t.shape == (wt.N_POINTS,)
    assert np.all(np.diff(x) > 0) and 0 <= x.min() and x.max() <= 1
    noise = t - wt.true_function(x)
    assert 0.5 * wt.NOISE < noise.std() < 1.5 * wt.NOISE
    assert not np.array_equal(wt.make_data(seed=1)[1], T)
    with pytest.raises(ValueError, match="integer >= 2"):
        wt.make_data(n=1)


@pytest.mark.parametrize("depth", [1, 2, 4, 7])
def test_tree_without_penalty_is_sklearns_least_squares_tree(depth):
    residual = T - T.mean()
    tree = wt.fit_tree_1d(X, residual, depth)
    reference = DecisionTreeRegressor(max_depth=depth).fit(X[:, None], residual)
    np.testing.assert_allclose(wt.predict_tree_1d(tree, X), reference.predict(X[:, None]),
                               atol=1e-12)
    np.testing.assert_allclose(wt.predict_tree_1d(tree, GRID),
                               reference.predict(GRID[:, None]), atol=1e-12)
    edges, values = tree
    assert len(values) == len(edges) + 1 <= 2 ** depth
    assert np.all(np.diff(edges) > 0)


def test_unsorted_inputs_give_the_same_tree():
    order = np.random.default_rng(0).permutation(len(X))
    for a, b in zip(wt.fit_tree_1d(X[order], T[order], 3), wt.fit_tree_1d(X, T, 3)):
        np.testing.assert_allclose(a, b)


def test_stump_with_penalty_matches_a_hand_computation():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    r = np.array([1.0, 1.0, -2.0, -4.0])
    lam = 2.0
    # candidate cuts after 1, 2, 3 points: G_L^2/(N_L+lam) + G_R^2/(N_R+lam)
    # after 1: 1/3 + 25/5 = 5.33; after 2: 4/4 + 36/4 = 10; after 3: 0/5 + 16/3 = 5.33
    edges, values = wt.fit_tree_1d(x, r, max_depth=1, lam=lam)
    np.testing.assert_allclose(edges, [1.5])  # the midpoint between x = 1 and x = 2
    np.testing.assert_allclose(values, [2 / (2 + lam), -6 / (2 + lam)])
    # an example goes left when x < s
    np.testing.assert_allclose(wt.predict_tree_1d((edges, values), [1.49, 1.5]),
                               [values[0], values[1]])


def test_a_large_penalty_can_stop_a_split_and_shrinks_the_leaf():
    x = np.array([0.0, 1.0])
    r = np.array([1.0, 1.0])  # splitting two equal residuals gains nothing
    edges, values = wt.fit_tree_1d(x, r, max_depth=3, lam=1.0)
    assert len(edges) == 0
    np.testing.assert_allclose(values, [2 / 3])


def test_tied_inputs_are_never_separated():
    x = np.array([0.0, 0.0, 1.0, 1.0])
    r = np.array([5.0, -5.0, 1.0, 1.0])
    edges, values = wt.fit_tree_1d(x, r, max_depth=4)
    np.testing.assert_allclose(edges, [0.5])
    np.testing.assert_allclose(values, [0.0, 1.0])


def test_zero_rounds_is_the_mean_and_staged_outputs_have_one_row_per_round():
    run = wt.boost_1d(X, T, rounds=0)
    np.testing.assert_allclose(run.staged_train, np.full((1, len(X)), T.mean()))
    run = wt.boost_1d(X, T, rounds=7, grid=GRID)
    assert run.staged_train.shape == (8, len(X))
    assert run.staged_grid.shape == (8, len(GRID)) and len(run.trees) == 7
    assert run.base == pytest.approx(T.mean())


@pytest.mark.parametrize("depth, eta", [(1, 0.5), (3, 0.1), (5, 1.0)])
def test_boosting_without_penalty_matches_sklearn(depth, eta):
    run = wt.boost_1d(X, T, rounds=30, max_depth=depth, eta=eta, grid=GRID)
    model = GradientBoostingRegressor(n_estimators=30, learning_rate=eta, max_depth=depth,
                                      random_state=0).fit(X[:, None], T)
    staged = np.array(list(model.staged_predict(GRID[:, None])))
    np.testing.assert_allclose(run.staged_grid[1:], staged, atol=1e-10)


def test_one_round_adds_eta_times_the_penalised_tree():
    eta, lam = 0.4, 3.0
    run = wt.boost_1d(X, T, rounds=1, max_depth=2, eta=eta, lam=lam)
    tree = wt.fit_tree_1d(X, T - T.mean(), 2, lam)
    np.testing.assert_allclose(run.staged_train[1],
                               T.mean() + eta * wt.predict_tree_1d(tree, X))
    edges, values = tree
    leaf = np.searchsorted(edges, X, side="right")
    for j, w in enumerate(values):  # w_j = sum of residuals / (count + lam)
        r = (T - T.mean())[leaf == j]
        assert w == pytest.approx(r.sum() / (len(r) + lam))


def test_training_error_falls_and_the_penalty_slows_it():
    def train_mse(lam):
        run = wt.boost_1d(X, T, rounds=40, max_depth=3, eta=0.5, lam=lam)
        return ((run.staged_train - T) ** 2).mean(axis=1)

    free, penalised = train_mse(0.0), train_mse(10.0)
    assert np.all(np.diff(free) <= 1e-12)  # each least-squares tree can only help
    assert np.all(np.diff(penalised) <= 1e-12)
    assert penalised[-1] > free[-1]


@pytest.mark.parametrize("kwargs, message", [
    ({"rounds": -1}, "rounds"), ({"rounds": 2.5}, "rounds"),
    ({"max_depth": 0}, "stump"), ({"eta": 0.0}, r"\(0, 1\]"), ({"eta": 1.5}, r"\(0, 1\]"),
    ({"eta": float("nan")}, r"\(0, 1\]"), ({"lam": -1.0}, "L2 penalty"),
])
def test_bad_settings_are_refused_with_a_clear_message(kwargs, message):
    settings = {"rounds": 5, "max_depth": 2, "eta": 0.3, "lam": 0.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        wt.boost_1d(X, T, **settings)


def test_bad_data_is_refused():
    with pytest.raises(ValueError, match="same length"):
        wt.boost_1d(X, T[:-1], rounds=3)
    with pytest.raises(ValueError, match="finite"):
        wt.boost_1d(X, np.where(X > 0.5, np.nan, T), rounds=3)


def test_plot_draws_the_fit_and_the_residuals_of_that_setting():
    ax_fit, ax_res = wt.plot_boosting(rounds=12, max_depth=3, eta=0.2, lam=1.0)
    run = wt.boost_1d(X, T, rounds=12, max_depth=3, eta=0.2, lam=1.0)
    fit_line = ax_fit.lines[2]
    np.testing.assert_allclose(fit_line.get_ydata(), run.staged_grid[-1])
    np.testing.assert_allclose(ax_res.lines[-1].get_ydata(), T - run.staged_train[-1])
    assert "M = 12" in ax_fit.get_title() and "λ = 1" in ax_fit.get_title()
    plt.close(ax_fit.figure)


def test_plot_accepts_other_data():
    x = np.linspace(0, 2, 30)
    t = x ** 2
    ax_fit, ax_res = wt.plot_boosting(5, 2, 0.5, 0.0, data=(x, t))
    np.testing.assert_allclose(ax_fit.lines[0].get_xydata(), np.c_[x, t])
    plt.close(ax_fit.figure)


def test_cached_runs_cannot_be_changed_by_a_caller():
    run = wt._playground_run(5, 2, 0.3, 0.0)
    with pytest.raises(ValueError):
        run.staged_grid[0, 0] = 99.0


@pytest.mark.parametrize("k", [1, 4])
def test_gallery_draws_one_column_per_setting(k):
    settings = [(m, 2, 0.3, 0.0) for m in (1, 3, 10, 50)][:k]
    fig = wt.boosting_gallery(settings, title="test")
    assert len(fig.axes) == 2 * k
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert [title.split(",")[0] for title in titles] == [f"M = {s[0]}" for s in settings]
    plt.close(fig)
    with pytest.raises(ValueError, match="rounds, max_depth, eta, lam"):
        wt.boosting_gallery([(1, 2, 0.3)])
    with pytest.raises(ValueError, match="non-empty"):
        wt.boosting_gallery([])


def test_playground_builds_and_redraws_without_a_display():
    widgets = pytest.importorskip("ipywidgets")
    box = wt.boosting_playground(max_rounds=150)
    sliders = [s for row in box.children[:2] for s in row.children]
    assert [s.description for s in sliders] == ["rounds M", "max depth", "η", "λ"]
    assert sliders[0].max == 150
    sliders[0].value = 40  # moving a slider redraws without error
    sliders[3].value = 5.0
    assert isinstance(box, widgets.VBox)
    plt.close("all")
    with pytest.raises(ValueError, match="max_rounds"):
        wt.boosting_playground(max_rounds=0)
