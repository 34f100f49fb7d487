"""Hidden checks of Lab 7 (trees, boosting and XGBoost): run by the grader, outside the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
(plain values in, plain values out) and decides here, against scikit-learn, xgboost, PyTorch or
the references below.
"""

# ruff: noqa: E501
import numpy as np

# ---------------------------------------------------------------------------- references


def ref_gini(t):
    t = np.asarray(t)
    if t.size == 0:
        return 0.0
    _, counts = np.unique(t, return_counts=True)
    return float(1.0 - ((counts / t.size) ** 2).sum())


def _decrease(x, t, s):
    left = x <= s
    return ref_gini(t) - (left.sum() * ref_gini(t[left]) + (~left).sum() * ref_gini(t[~left])) / len(t)


def ref_best_split(x, t):
    """Brute force: every midpoint, in increasing order, the first of the best kept."""
    x, t = np.asarray(x, dtype=float), np.asarray(t)
    values = np.unique(x)
    best = (None, 0.0)
    for s in (values[:-1] + values[1:]) / 2:
        decrease = _decrease(x, t, s)
        if best[0] is None or decrease > best[1] + 1e-12:
            best = (float(s), float(decrease))
    return best


def ref_leaf_weight(G, H, lam):
    return -G / (H + lam)


def ref_split_gain(G_L, H_L, G_R, H_R, lam, gamma):
    return 0.5 * (G_L ** 2 / (H_L + lam) + G_R ** 2 / (H_R + lam)
                  - (G_L + G_R) ** 2 / (H_L + H_R + lam)) - gamma


def ref_logistic_grad_hess(t, z):
    import torch

    zt = torch.tensor(np.asarray(z, dtype=float), requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        zt, torch.tensor(np.asarray(t, dtype=float)), reduction="sum")
    (g,) = torch.autograd.grad(loss, zt, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), zt)
    return g.detach().numpy(), h.numpy()


REFERENCES = {"leaf_weight": ref_leaf_weight, "split_gain": ref_split_gain,
              "logistic_grad_hess": lambda t, z: tuple(
                  np.asarray(a) for a in _stable_grad_hess(t, z))}


def _stable_grad_hess(t, z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    y = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return y - np.asarray(t, dtype=float), y * (1 - y)


def xgb_round(X, t, z, max_depth, eta, lam):
    """The margins after one round of xgboost's exact greedy algorithm, from base margin z."""
    import xgboost as xgb

    params = {"objective": "binary:logistic", "tree_method": "exact", "max_depth": max_depth,
              "eta": eta, "reg_lambda": lam, "min_child_weight": 0, "nthread": 1}
    booster = xgb.train(params, xgb.DMatrix(X, label=t, base_margin=z), 1)
    return booster.predict(xgb.DMatrix(X, base_margin=z), output_margin=True).astype(float)


def no_library(env, name, banned=("sklearn", "xgboost", "torch", "scipy")):
    used = {m for m in env.source.modules_used(name) if m.split(".")[0] in banned}
    assert not used, f"{name} uses {sorted(used)}: write it with numpy"


# ---------------------------------------------------------------------------- q1


def test_q1_matches_sklearn_on_random_labels(env):
    """Random labels with arbitrary values (negative, gaps, many classes) against the root
    impurity of scikit-learn's Gini tree."""
    from sklearn.tree import DecisionTreeClassifier

    rng = env.rng("q1")
    for n, classes in ((1, [5]), (7, [-3, 4]), (50, [0, 2, 9]), (200, list(range(-5, 6))), (33, [1, 2, 3, 4])):
        t = rng.choice(classes, size=n)
        tree = DecisionTreeClassifier(max_depth=1).fit(np.zeros((n, 1)), t)
        value = env["gini"](t)
        assert isinstance(value, float), f"return a Python float, not {type(value).__name__}"
        assert abs(value - tree.tree_.impurity[0]) < 1e-12, f"gini of {n} labels from {classes}: {value} vs {tree.tree_.impurity[0]}"


def test_q1_lists_empty_unbalanced_and_unmodified(env):
    t = np.array([2, 2, 2, 7])
    copy = t.copy()
    assert abs(env["gini"](t) - 0.375) < 1e-12, "gini([2, 2, 2, 7]) = 1 - (3/4)^2 - (1/4)^2 = 0.375"
    assert np.array_equal(t, copy), "gini modified its input"
    assert env["gini"](np.array([], dtype=int)) == 0.0, "an empty node has impurity 0"
    assert abs(env["gini"]([1, 1, 0, 0, 0, 0]) - 4 / 9) < 1e-12, "gini of a list [1, 1, 0, 0, 0, 0]"
    assert abs(env["gini"](np.array([0.0, 1.0, 1.0])) - 4 / 9) < 1e-12, "float labels 0.0 and 1.0"
    K = 10
    assert abs(env["gini"](np.arange(K)) - (1 - 1 / K)) < 1e-12, "K balanced classes give 1 - 1/K"
    no_library(env, "gini")


# ---------------------------------------------------------------------------- q2


def _best_split(env, x, t):
    """The student's best_split with a correct gini in place of theirs (q1 is graded alone)."""
    with env.provide(gini=ref_gini):
        return env["best_split"](x, t)


def test_q2_decrease_of_the_public_example(env):
    _check_split(_best_split(env, np.array([3.0, 1.0, 4.0, 2.0]), np.array([1, 0, 1, 0])), (2.5, 0.5),
                 "x = 3, 1, 4, 2, t = 1, 0, 1, 0")


def _check_split(got, expected, what):
    threshold, decrease = got
    if expected[0] is None:
        assert threshold is None and decrease == 0.0, f"{what}: no split exists, expected (None, 0.0), got {got}"
        return
    assert threshold is not None, f"{what}: a split exists, got threshold None"
    assert abs(threshold - expected[0]) < 1e-9, f"{what}: threshold {threshold}, expected {expected[0]}"
    assert abs(decrease - expected[1]) < 1e-9, f"{what}: decrease {decrease}, expected {expected[1]}"


def test_q2_matches_a_sklearn_stump(env):
    """Random data with a unique best split: threshold and impurity decrease of a depth-1
    scikit-learn tree on the one feature (values on a grid of quarters: exact in float32)."""
    from sklearn.tree import DecisionTreeClassifier

    rng, checked = env.rng("q2-stump"), 0
    while checked < 6:
        n = int(rng.integers(5, 120))
        x = rng.integers(-40, 40, size=n) / 4.0
        t = (x + rng.normal(scale=3, size=n) > rng.normal()).astype(int) + (rng.random(n) < 0.2)
        values = np.unique(x)
        if len(values) < 2:
            continue
        cuts = (values[:-1] + values[1:]) / 2
        decreases = sorted((_decrease(x, t, s) for s in cuts), reverse=True)
        if len(decreases) > 1 and decreases[0] - decreases[1] < 1e-6:
            continue  # a tie: scikit-learn may keep either
        tree = DecisionTreeClassifier(max_depth=1).fit(x[:, None], t)
        tr = tree.tree_
        decrease = tr.impurity[0] - (tr.n_node_samples[1] * tr.impurity[1] + tr.n_node_samples[2] * tr.impurity[2]) / n
        x_before, t_before = x.copy(), t.copy()
        _check_split(_best_split(env, x, t), (tr.threshold[0], decrease), f"{n} examples")
        assert np.array_equal(x, x_before) and np.array_equal(t, t_before), "best_split modified its inputs"
        checked += 1


def test_q2_repeated_values_ties_and_no_split(env):
    """Repeated values (no threshold between them), ties (the smallest threshold wins),
    three classes, and a constant feature."""
    cases = [
        (np.array([1.0, 1.0, 2.0, 2.0, 3.0]), np.array([0, 1, 0, 1, 1])),
        (np.array([5.0, 1.0, 3.0, 1.0, 5.0, 3.0]), np.array([2, 0, 1, 0, 2, 1])),
        (np.array([0.0, 1.0, 2.0, 3.0]), np.array([0, 1, 1, 0])),  # 0.5 and 2.5 tie
        (np.array([4.0, 4.0, 4.0]), np.array([0, 1, 0])),
        (np.array([2.0, 1.0]), np.array([1, 1])),  # a pure node: the first split, decrease 0
        (np.array([3.0, 1.0, 2.0]), np.array([0, 0, 0])),
        (np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1])),  # the best split is the last one
    ]
    for x, t in cases:
        _check_split(_best_split(env, x, t), ref_best_split(x, t), f"x = {x.tolist()}, t = {t.tolist()}")
    x, t = [2.0, 0.5, 1.0, 3.5], [1, 0, 0, 1]
    _check_split(_best_split(env, x, t), (1.5, 0.5), "x and t as Python lists")


def test_q2_random_multiclass_against_brute_force(env):
    rng = env.rng("q2-brute")
    for _ in range(8):
        n = int(rng.integers(2, 60))
        x = np.round(rng.normal(size=n), int(rng.integers(0, 3)))
        t = rng.integers(0, int(rng.integers(2, 5)), size=n)
        _check_split(_best_split(env, x, t), ref_best_split(x, t), f"{n} examples")
    no_library(env, "best_split")


# ---------------------------------------------------------------------------- q3


def test_q3_against_xgboost_reported_gain_and_leaves(env):
    """A depth-1 xgboost tree on random data: its leaves are eta * w* and the gain it reports
    is 2 * (gain + gamma) (xgboost drops the 1/2 and compares with gamma separately)."""
    import xgboost as xgb

    rng = env.rng("q3-xgb")
    for _ in range(3):
        n, lam, eta = int(rng.integers(20, 100)), float(rng.uniform(0, 3)), float(rng.uniform(0.1, 1))
        X, t = rng.normal(size=(n, 2)), rng.integers(0, 2, size=n).astype(float)
        z = rng.normal(size=n)
        params = {"objective": "binary:logistic", "tree_method": "exact", "max_depth": 1, "eta": eta,
                  "reg_lambda": lam, "min_child_weight": 0, "nthread": 1}
        frame = xgb.train(params, xgb.DMatrix(X, label=t, base_margin=z), 1).trees_to_dataframe()
        root = frame.iloc[0]
        if root.Feature == "Leaf":
            continue
        g, h = _stable_grad_hess(t, z)
        left = X[:, int(root.Feature[1:])] < root.Split
        G_L, H_L, G_R, H_R = g[left].sum(), h[left].sum(), g[~left].sum(), h[~left].sum()
        gamma = float(rng.uniform(0, 2))
        gain = env["split_gain"](G_L, H_L, G_R, H_R, lam, gamma)
        assert abs(2 * (gain + gamma) - root.Gain) < 1e-3 * max(1, root.Gain), f"split_gain {gain} with gamma {gamma}, xgboost reports 2 * (gain + gamma) = {root.Gain}"
        leaves = frame[frame.Feature == "Leaf"].Gain.to_numpy()
        mine = [eta * env["leaf_weight"](G, H, lam) for G, H in ((G_L, H_L), (G_R, H_R))]
        np.testing.assert_allclose(mine, leaves, rtol=1e-4, atol=1e-6, err_msg="eta * leaf_weight vs xgboost's leaves")


def test_q3_elementwise_on_arrays_without_loops(env):
    rng = env.rng("q3-arrays")
    for shape in [(1,), (17,), (3, 4)]:
        G_L, G_R = rng.normal(scale=5, size=shape), rng.normal(scale=5, size=shape)
        H_L, H_R = rng.uniform(0.01, 10, size=shape), rng.uniform(0.01, 10, size=shape)
        lam, gamma = float(rng.uniform(0, 4)), float(rng.uniform(0, 2))
        gain = env["split_gain"](G_L, H_L, G_R, H_R, lam, gamma)
        assert np.shape(gain) == shape, f"split_gain on arrays of shape {shape} returned shape {np.shape(gain)}"
        np.testing.assert_allclose(gain, ref_split_gain(G_L, H_L, G_R, H_R, lam, gamma), rtol=1e-10, err_msg="split_gain")
        w = env["leaf_weight"](G_L, H_L, lam)
        np.testing.assert_allclose(w, ref_leaf_weight(G_L, H_L, lam), rtol=1e-12, err_msg="leaf_weight")
    assert abs(env["leaf_weight"](-3.0, 2.0, 0.0) - 1.5) < 1e-12, "lam = 0: w* = -G / H"
    assert abs(env["split_gain"](1.0, 1.0, 1.0, 1.0, 0.0, 0.0) - 0.0) < 1e-12, "equal children gain nothing"
    assert abs(env["split_gain"](2.0, 1.0, -2.0, 1.0, 0.0, 0.25) - 3.75) < 1e-12, "0.5 (4 + 4 - 0) - 0.25"
    loops = env.source.loops_in("split_gain") + env.source.loops_in("leaf_weight")
    assert not loops, f"no Python loops here: {loops}"


# ---------------------------------------------------------------------------- q4


def test_q4_matches_torch_autograd(env):
    """First and second derivatives of BCE-with-logits by autograd, on random shapes."""
    rng = env.rng("q4")
    for shape in [(1,), (9,), (4, 5)]:
        t = rng.integers(0, 2, size=shape).astype(float)
        z = rng.normal(scale=4, size=shape)
        t_copy, z_copy = t.copy(), z.copy()
        g, h = env["logistic_grad_hess"](t, z)
        g_ref, h_ref = ref_logistic_grad_hess(t, z)
        assert np.shape(g) == shape and np.shape(h) == shape, f"shapes {np.shape(g)}, {np.shape(h)} for inputs {shape}"
        np.testing.assert_allclose(g, g_ref, rtol=1e-9, atol=1e-12, err_msg="g")
        np.testing.assert_allclose(h, h_ref, rtol=1e-9, atol=1e-12, err_msg="h")
        assert np.array_equal(t, t_copy) and np.array_equal(z, z_copy), "logistic_grad_hess modified its inputs"


def test_q4_extreme_margins(env):
    t = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    z = np.array([1000.0, 1000.0, -1000.0, -1000.0, 40.0])
    with np.errstate(over="raise", invalid="raise"):
        g, h = env["logistic_grad_hess"](t, z)
    g, h = np.asarray(g, dtype=float), np.asarray(h, dtype=float)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(h)), f"g = {g}, h = {h}"
    np.testing.assert_allclose(g, [1.0, 0.0, 0.0, -1.0, -4.248354255291589e-18], atol=1e-12, err_msg="g at |z| = 1000")
    np.testing.assert_allclose(h, [0.0, 0.0, 0.0, 0.0, 4.248354255291589e-18], atol=1e-12, err_msg="h at large |z|")


# ---------------------------------------------------------------------------- q5


def _round(env, *args, **kwargs):
    with env.provide(**REFERENCES):
        return np.asarray(env["boost_round"](*args, **kwargs), dtype=float)


def test_q5_matches_xgboost_exact_on_random_problems(env):
    """Random sizes, depths, eta and lambda, some features with repeated values, margins
    that are not zero: one round against xgboost.train's exact greedy tree."""
    rng = env.rng("q5-xgb")
    for case in range(6):
        n, d = int(rng.integers(20, 250)), int(rng.integers(1, 6))
        X = rng.normal(size=(n, d))
        if case % 2:
            X[:, 0] = np.round(X[:, 0], 1)  # repeated values
        t = (X[:, 0] + X[:, -1] ** 2 + rng.normal(size=n) > 0.8).astype(float)
        z = rng.normal(scale=0.7, size=n)
        max_depth, eta, lam = int(rng.integers(1, 5)), float(rng.uniform(0.05, 1)), float(rng.uniform(0, 3))
        copies = [a.copy() for a in (X, t, z)]
        mine = _round(env, X, t, z, max_depth=max_depth, eta=eta, lam=lam)
        ref = xgb_round(X, t, z, max_depth, eta, lam)
        assert mine.shape == (n,), f"new margins of shape {mine.shape}, expected ({n},)"
        np.testing.assert_allclose(mine, ref, rtol=0, atol=2e-5, err_msg=f"margins vs xgboost, N={n}, D={d}, max_depth={max_depth}, eta={eta:.3f}, lam={lam:.3f}")
        assert all(np.array_equal(a, c) for a, c in zip((X, t, z), copies)), "boost_round modified its inputs"


def test_q5_depth_stops_and_defaults(env):
    """max_depth = 1 and 2 on data that would split further; the default arguments."""
    rng = env.rng("q5-depth")
    X = rng.normal(size=(120, 3))
    t = ((X[:, 0] > 0) ^ (X[:, 1] > 0.3)).astype(float)
    z = np.zeros(120)
    for depth in (1, 2):
        mine = _round(env, X, t, z, max_depth=depth, eta=1.0, lam=0.5)
        assert len(np.unique(np.round(mine, 9))) <= 2 ** depth, f"max_depth={depth} allows at most {2 ** depth} leaves"
        np.testing.assert_allclose(mine, xgb_round(X, t, z, depth, 1.0, 0.5), atol=2e-5, err_msg=f"max_depth={depth}")
    np.testing.assert_allclose(_round(env, X, t, z + 0.5), xgb_round(X, t, z + 0.5, 3, 0.3, 1.0), atol=2e-5,
                               err_msg="defaults max_depth=3, eta=0.3, lam=1.0")


def test_q5_xor_has_no_first_split(env):
    """XOR of two binary features at z = 0: every root split gains exactly 0, so neither
    xgboost nor a correct round splits at all, though each half alone would split."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 3)
    t = np.array([0.0, 1.0, 1.0, 0.0] * 3)
    z = np.zeros(12)
    mine = _round(env, X, t, z, max_depth=2, eta=1.0, lam=1.0)
    np.testing.assert_allclose(mine, xgb_round(X, t, z, 2, 1.0, 1.0), atol=1e-9,
                               err_msg="split only when the gain is positive")


def test_q5_uses_no_library(env):
    """numpy only; and the function still runs with integer features and targets."""
    no_library(env, "boost_round")
    X = np.array([[0, 5], [1, 4], [2, 3], [3, 2], [4, 1], [5, 0]])
    t = np.array([0, 0, 1, 0, 1, 1])
    np.testing.assert_allclose(_round(env, X, t, np.zeros(6), max_depth=2, eta=0.5, lam=1.0),
                               xgb_round(X.astype(float), t.astype(float), np.zeros(6), 2, 0.5, 1.0), atol=2e-5,
                               err_msg="integer X and t")


# ---------------------------------------------------------------------------- q6


def _split(seed):
    import utils

    split = utils.data.load_mnist(test_size=0.5, seed=seed)

    def pick(images, digits):
        keep = (digits == 4) | (digits == 9)
        return images[keep].reshape(keep.sum(), -1), (digits[keep] == 9).astype(int)

    X, t = pick(split.X_train, split.y_train)
    X_test, t_test = pick(split.X_test, split.y_test)
    n_train = len(X) * 4 // 5
    return (X[:n_train], t[:n_train], X[n_train:], t[n_train:]), (X_test, t_test)


def _auc(env, seed):
    from sklearn.metrics import roc_auc_score

    (X_tr, t_tr, X_val, t_val), (X_te, t_te) = _split(seed)
    p = np.asarray(env["fit_and_predict"](X_tr, t_tr, X_val, t_val, X_te), dtype=float)
    assert p.shape == (len(X_te),), f"one probability per test image: shape {p.shape}"
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1)), "probabilities lie in [0, 1]"
    return roc_auc_score(t_te, p)


def test_q6_test_auc_on_the_notebook_split(env):
    auc = _auc(env, 0)
    assert auc >= 0.989, f"test AUC {auc:.4f} on the notebook's split is below the 0.989 target"


def test_q6_test_auc_on_another_split(env):
    auc = _auc(env, 3)
    assert auc >= 0.989, f"test AUC {auc:.4f} on fours_and_nines(seed=3) is below the 0.989 target"
