"""Hidden checks of Lab 3 (convolutional networks): run by the grader, outside the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
(plain values in, plain values out) and decides here. The references are PyTorch's own
``conv1d``/``conv2d``/``max_pool2d`` and autograd, computed here.
"""

# ruff: noqa: E501
import numpy as np

# ---------------------------------------------------------------------------- references


def torch_conv(x, W, b, stride, padding, dout=None):
    """out of F.conv2d, and with ``dout`` also (dx, dW, db) from autograd, all float64."""
    import torch
    import torch.nn.functional as F

    xt = torch.tensor(np.asarray(x, dtype=float), requires_grad=True)
    Wt = torch.tensor(np.asarray(W, dtype=float), requires_grad=True)
    bt = torch.tensor(np.asarray(b, dtype=float), requires_grad=True)
    out = F.conv2d(xt, Wt, bt, stride=int(stride), padding=int(padding))
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.tensor(np.asarray(dout, dtype=float)))
    return out.detach().numpy(), xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def torch_pool(x, size, stride, dout=None):
    import torch
    import torch.nn.functional as F

    xt = torch.tensor(np.asarray(x, dtype=float), requires_grad=True)
    out = F.max_pool2d(xt, int(size), int(stride))
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.tensor(np.asarray(dout, dtype=float)))
    return out.detach().numpy(), xt.grad.numpy()


def torch_output_size(n, kernel, stride, padding, dilation):
    """PyTorch's output length, or None where it refuses the arguments."""
    import torch
    import torch.nn.functional as F

    try:
        return F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, kernel), stride=stride,
                        padding=padding, dilation=dilation).shape[-1]
    except RuntimeError:
        return None


def random_case(rng, stride=None, padding=None):
    """A random conv problem: non-square input and kernel, several channels."""
    N, C, F = (int(v) for v in rng.integers(1, 4, size=3))
    H, W = (int(v) for v in rng.integers(4, 9, size=2))
    KH, KW = (int(v) for v in rng.integers(1, 4, size=2))
    s = int(rng.integers(1, 4)) if stride is None else stride
    p = int(rng.integers(0, 3)) if padding is None else padding
    x = rng.normal(size=(N, C, H, W))
    params = {"W": rng.normal(size=(F, C, KH, KW)), "b": rng.normal(size=F)}
    return x, params, s, p


def _no_torch(env, *names):
    """The layers must be NumPy: no torch, whatever name it was imported under."""
    for name in names:
        used = {n for n in env.source.modules_used(name) if n == "torch" or n.startswith("torch.")}
        assert not used, f"{name} uses PyTorch ({sorted(used)[:3]}); write it in NumPy"


def _value_error(call):
    """Whether the student's function raised ValueError (it arrives as StudentRaised here)."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the student's code may raise anything
        kind = getattr(error, "kind", type(error).__name__)
        if kind == "ValueError":
            return True
        raise AssertionError(f"expected ValueError, got {kind}: {error}") from None
    return False


# ---------------------------------------------------------------------------- q1


def test_q1_matches_pytorch_on_random_arguments(env):
    """Three hundred random (n, kernel, stride, padding, dilation), against F.conv1d's shapes."""
    rng = np.random.default_rng(31)
    size = env["conv_output_size"]
    for _ in range(300):
        n, k = int(rng.integers(1, 40)), int(rng.integers(1, 8))
        s, p, d = int(rng.integers(1, 5)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
        expected = torch_output_size(n, k, s, p, d)
        if expected is None:
            assert _value_error(lambda a=(n, k, s, p, d): size(*a)), (
                f"conv_output_size({n}, {k}, {s}, {p}, {d}): the kernel does not fit; "
                "raise ValueError")
        else:
            got = size(n, k, s, p, d)
            assert got == expected, f"conv_output_size({n}, {k}, {s}, {p}, {d}) = {got}, not {expected}"


def test_q1_keywords_types_and_large_inputs(env):
    """Keyword arguments, a Python int back, and sizes of real images."""
    size = env["conv_output_size"]
    got = size(224, 11, stride=4, padding=2)
    assert type(got) is int, f"return a Python int, got {type(got).__name__}"
    assert got == 55, f"AlexNet's first layer (224, 11, stride 4, padding 2) gives 55, not {got}"
    assert size(224, 7, stride=2, padding=3) == 112, "ResNet's first layer gives 112"
    assert size(28, 3, padding=1, dilation=1) == 28 and size(28, 3, dilation=3) == 22
    assert size(n=10, kernel=4, stride=3, padding=0, dilation=1) == 3


def test_q1_bad_arguments_raise(env):
    """Kernels that do not fit, and arguments out of range, raise ValueError."""
    size = env["conv_output_size"]
    for args in [(3, 5), (4, 3, 1, 0, 2), (5, 0), (5, 3, 0), (5, 3, 1, -1), (5, 3, 1, 0, 0)]:
        assert _value_error(lambda a=args: size(*a)), f"conv_output_size{args} should raise ValueError"
    assert size(3, 5, 1, 1) == 1, "with padding 1 a kernel of 5 fits 3 + 2 exactly once"


# ---------------------------------------------------------------------------- q2


def test_q2_random_shapes_against_conv2d(env):
    """Random non-square inputs and kernels, strides 1-3, paddings 0-2, several channels."""
    rng = np.random.default_rng(32)
    for _ in range(25):
        x, params, s, p = random_case(rng)
        out, cache = env["conv_forward"](x, params, s, p)
        expected = torch_conv(x, params["W"], params["b"], s, p)
        assert np.shape(out) == expected.shape, (
            f"x {x.shape}, W {params['W'].shape}, stride {s}, padding {p}: shape {np.shape(out)}, "
            f"expected {expected.shape}")
        np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9,
                                   err_msg=f"x {x.shape}, W {params['W'].shape}, stride {s}, padding {p}")


def test_q2_stride_two_padding_one_and_keywords(env):
    """The case the question names, by keyword, and the cache as specified."""
    rng = env.rng("q2-stride")
    x = rng.normal(size=(2, 3, 7, 6))
    params = {"W": rng.normal(size=(4, 3, 3, 2)), "b": rng.normal(size=4)}
    out, cache = env["conv_forward"](x, params, stride=2, padding=1)
    np.testing.assert_allclose(out, torch_conv(x, params["W"], params["b"], 2, 1), rtol=1e-9,
                               atol=1e-9)
    assert len(cache) == 4 and cache[2] == 2 and cache[3] == 1, "cache = (x, params, stride, padding)"
    np.testing.assert_array_equal(cache[0], x, err_msg="cache[0] must be x")
    np.testing.assert_array_equal(cache[1]["W"], params["W"], err_msg="cache[1] must be params")
    out, _ = env["conv_forward"](x, params)
    np.testing.assert_allclose(out, torch_conv(x, params["W"], params["b"], 1, 0), rtol=1e-9,
                               atol=1e-9, err_msg="the defaults are stride 1, padding 0")


def test_q2_integers_views_and_no_mutation(env):
    """Integer images and kernels give floats; a non-contiguous x; inputs unchanged."""
    from grading.wire import View

    rng = env.rng("q2-inputs")
    x = rng.integers(-3, 4, size=(2, 2, 5, 6))
    params = {"W": rng.integers(-2, 3, size=(3, 2, 2, 3)), "b": rng.integers(-2, 3, size=3)}
    before = (x.copy(), params["W"].copy(), params["b"].copy())
    out, _ = env["conv_forward"](x, params, 1, 1)
    np.testing.assert_allclose(out, torch_conv(x, params["W"], params["b"], 1, 1), atol=1e-9,
                               err_msg="integer inputs")
    for a, b_ in zip((x, params["W"], params["b"]), before):
        assert np.array_equal(a, b_), "conv_forward modified its inputs"
    xf = rng.normal(size=(1, 2, 6, 5))
    pf = {"W": rng.normal(size=(2, 2, 3, 3)), "b": np.zeros(2)}
    out, _ = env["conv_forward"](View(xf, "T"), pf, 2, 0)
    np.testing.assert_allclose(out, torch_conv(xf, pf["W"], pf["b"], 2, 0), rtol=1e-9, atol=1e-9,
                               err_msg="a non-contiguous x")


def test_q2_one_by_one_and_whole_image_kernels(env):
    """A 1x1 kernel mixes channels only; a kernel as large as the padded image gives 1x1."""
    rng = env.rng("q2-extremes")
    x = rng.normal(size=(3, 4, 5, 2))
    params = {"W": rng.normal(size=(2, 4, 1, 1)), "b": rng.normal(size=2)}
    out, _ = env["conv_forward"](x, params)
    np.testing.assert_allclose(out, torch_conv(x, params["W"], params["b"], 1, 0), rtol=1e-9,
                               atol=1e-9, err_msg="a 1x1 convolution")
    params = {"W": rng.normal(size=(1, 4, 7, 4)), "b": np.array([1.5])}
    out, _ = env["conv_forward"](x, params, 1, 1)
    assert np.shape(out) == (3, 1, 1, 1), f"kernel (7, 4) on padded (7, 4): shape {np.shape(out)}"
    np.testing.assert_allclose(out, torch_conv(x, params["W"], params["b"], 1, 1), rtol=1e-9)


def test_q2_rule_numpy_only(env):
    out, _ = env["conv_forward"](np.ones((1, 1, 2, 2)), {"W": np.ones((1, 1, 2, 2)),
                                                           "b": np.zeros(1)})
    np.testing.assert_allclose(out, [[[[4.0]]]], err_msg="a rule counts only next to working code")
    _no_torch(env, "conv_forward")


# ---------------------------------------------------------------------------- q3


def test_q3_random_shapes_against_autograd(env):
    """dx, dW and db against PyTorch's autograd on random cases, strides and paddings."""
    rng = np.random.default_rng(33)
    for _ in range(20):
        x, params, s, p = random_case(rng)
        out = torch_conv(x, params["W"], params["b"], s, p)
        dout = rng.normal(size=out.shape)
        _, dx_ref, dW_ref, db_ref = torch_conv(x, params["W"], params["b"], s, p, dout)
        dx, grads = env["conv_backward"](dout, (x, params, s, p))
        where = f"x {x.shape}, W {params['W'].shape}, stride {s}, padding {p}"
        assert np.shape(dx) == x.shape, f"{where}: dx has shape {np.shape(dx)}"
        np.testing.assert_allclose(dx, dx_ref, rtol=1e-8, atol=1e-9, err_msg=f"dx, {where}")
        np.testing.assert_allclose(grads["W"], dW_ref, rtol=1e-8, atol=1e-9, err_msg=f"dW, {where}")
        assert np.shape(grads["b"]) == db_ref.shape, f"{where}: db has shape {np.shape(grads['b'])}"
        np.testing.assert_allclose(grads["b"], db_ref, rtol=1e-8, atol=1e-9, err_msg=f"db, {where}")


def test_q3_stride_two_padding_one_square_and_not(env):
    """The named case (stride 2, padding 1) on a square and a non-square image."""
    rng = env.rng("q3-named")
    for shape in ((2, 3, 6, 6), (1, 2, 7, 4)):
        x = rng.normal(size=shape)
        params = {"W": rng.normal(size=(3, shape[1], 3, 3)), "b": rng.normal(size=3)}
        dout = rng.normal(size=torch_conv(x, params["W"], params["b"], 2, 1).shape)
        _, dx_ref, dW_ref, db_ref = torch_conv(x, params["W"], params["b"], 2, 1, dout)
        dx, grads = env["conv_backward"](dout, (x, params, 2, 1))
        np.testing.assert_allclose(dx, dx_ref, rtol=1e-8, atol=1e-9, err_msg=f"dx, x {shape}")
        np.testing.assert_allclose(grads["W"], dW_ref, rtol=1e-8, atol=1e-9, err_msg=f"dW, x {shape}")
        np.testing.assert_allclose(grads["b"], db_ref, rtol=1e-8, atol=1e-9, err_msg=f"db, x {shape}")


def test_q3_flipped_kernel_integers_and_no_mutation(env):
    """An asymmetric kernel (only a flipped one gives the right dx), integer inputs, and
    dout and the cache left unchanged."""
    rng = env.rng("q3-inputs")
    x = rng.integers(-3, 4, size=(2, 1, 5, 5))
    params = {"W": np.array([[[[1, 2, 0], [0, 0, -1], [3, 0, 0]]]]), "b": np.array([2])}
    dout = rng.integers(-2, 3, size=(2, 1, 3, 3))
    copies = (x.copy(), params["W"].copy(), params["b"].copy(), dout.copy())
    _, dx_ref, dW_ref, db_ref = torch_conv(x, params["W"], params["b"], 1, 0, dout)
    dx, grads = env["conv_backward"](dout, (x, params, 1, 0))
    np.testing.assert_allclose(dx, dx_ref, atol=1e-9, err_msg="dx with an asymmetric kernel")
    np.testing.assert_allclose(grads["W"], dW_ref, atol=1e-9, err_msg="dW, integer inputs")
    np.testing.assert_allclose(grads["b"], db_ref, atol=1e-9, err_msg="db, integer inputs")
    for a, c in zip((x, params["W"], params["b"], dout), copies):
        assert np.array_equal(a, c), "conv_backward modified dout or the cache"


def test_q3_rule_numpy_only(env):
    dx, grads = env["conv_backward"](np.ones((1, 1, 1, 1)), (np.ones((1, 1, 2, 2)),
                                     {"W": np.ones((1, 1, 2, 2)), "b": np.zeros(1)}, 1, 0))
    np.testing.assert_allclose(grads["b"], [1.0], err_msg="a rule counts only next to working code")
    _no_torch(env, "conv_backward")


# ---------------------------------------------------------------------------- q4


def test_q4_forward_against_max_pool2d(env):
    """Random non-square inputs, windows 2 and 3, strides 1-3 (overlapping windows too)."""
    rng = np.random.default_rng(34)
    for size, stride in [(2, 2), (3, 2), (2, 1), (3, 3), (1, 1), (3, 1)]:
        x = rng.normal(size=(2, 3, int(rng.integers(5, 9)), int(rng.integers(5, 9))))
        out, cache = env["maxpool_forward"](x, size, stride)
        expected = torch_pool(x, size, stride)
        assert np.shape(out) == expected.shape, f"size {size}, stride {stride}: {np.shape(out)}"
        np.testing.assert_allclose(out, expected, rtol=1e-12, err_msg=f"size {size}, stride {stride}")


def test_q4_backward_against_autograd(env):
    """Each window's gradient to its maximum, summed where windows overlap."""
    rng = np.random.default_rng(35)
    for size, stride in [(2, 2), (3, 2), (2, 1), (3, 1), (3, 3)]:
        x = rng.normal(size=(2, 2, int(rng.integers(5, 9)), int(rng.integers(5, 9))))
        out, cache = env["maxpool_forward"](x, size, stride)
        dout = rng.normal(size=np.shape(out))
        _, dx_ref = torch_pool(x, size, stride, dout)
        dx = env["maxpool_backward"](dout, (x, size, stride))
        np.testing.assert_allclose(dx, dx_ref, rtol=1e-12, atol=1e-12,
                                   err_msg=f"size {size}, stride {stride}")


def test_q4_defaults_ties_integers_and_no_mutation(env):
    """Defaults 2 and 2; at a tie the first maximum; integer inputs; x and dout unchanged."""
    rng = env.rng("q4-inputs")
    x = rng.integers(0, 3, size=(2, 2, 6, 4))  # small integers: many ties
    dout = rng.integers(1, 5, size=(2, 2, 3, 2))
    copies = (x.copy(), dout.copy())
    out, cache = env["maxpool_forward"](x)
    np.testing.assert_allclose(out, torch_pool(x, 2, 2), err_msg="integer x, the defaults")
    dx = env["maxpool_backward"](dout, cache)
    np.testing.assert_allclose(dx, torch_pool(x, 2, 2, dout)[1],
                               err_msg="at a tie the gradient goes to the first maximum only")
    assert np.array_equal(x, copies[0]) and np.array_equal(dout, copies[1]), "inputs modified"
    assert len(cache) == 3 and cache[1] == 2 and cache[2] == 2, "cache = (x, size, stride)"


def test_q4_odd_sizes_drop_the_last_row(env):
    """A 5x7 input pooled 2x2 drops the last row and column, and gives them no gradient."""
    rng = env.rng("q4-odd")
    x = rng.normal(size=(1, 1, 5, 7))
    out, _ = env["maxpool_forward"](x, 2, 2)
    assert np.shape(out) == (1, 1, 2, 3), f"expected (1, 1, 2, 3), got {np.shape(out)}"
    dx = env["maxpool_backward"](np.ones((1, 1, 2, 3)), (x, 2, 2))
    assert np.shape(dx) == x.shape and not np.any(dx[0, 0, 4]) and not np.any(dx[0, 0, :, 6])
    np.testing.assert_allclose(dx, torch_pool(x, 2, 2, np.ones((1, 1, 2, 3)))[1])


def test_q4_rule_numpy_only(env):
    out, _ = env["maxpool_forward"](np.arange(4.0).reshape(1, 1, 2, 2))
    np.testing.assert_allclose(out, [[[[3.0]]]], err_msg="a rule counts only next to working code")
    _no_torch(env, "maxpool_forward", "maxpool_backward")


# ---------------------------------------------------------------------------- q5


def _accuracy(model, split):
    import torch

    with torch.no_grad():
        logits = model(torch.as_tensor(split.X_test))
    assert tuple(logits.shape) == (len(split.X_test), 10), f"logits of shape {tuple(logits.shape)}"
    return float((logits.argmax(dim=1).numpy() == split.y_test).mean()), logits


def test_q5_other_seed_and_split_reach_the_target(env):
    """Seed 1 on a differently drawn split: at least 0.93, an nn.Module in eval mode, logits."""
    import torch

    import utils

    split = utils.data.load_mnist(seed=env.seed % 1000 + 1)
    model = env["train_cnn"](split.X_train, split.y_train, seed=1)
    assert model.is_a("torch.nn.modules.module.Module"), "return an nn.Module"
    assert model.attr("training") is False, "return the model in evaluation mode (model.eval())"
    accuracy, logits = _accuracy(model, split)
    assert accuracy >= 0.93, f"seed 1, another split: test accuracy {accuracy:.3f} is below 0.93"
    probabilities_like = bool(((logits >= 0) & (logits <= 1)).all()) and \
        bool(torch.allclose(logits.sum(dim=1), torch.ones(len(logits)), atol=1e-4))
    assert not probabilities_like, "return logits (scores), not probabilities"


def test_q5_same_seed_same_model(env):
    """Training twice with one seed (on 400 images, to be quick) gives the same model."""
    import torch

    import utils

    split = utils.data.load_mnist()
    a = env["train_cnn"](split.X_train[:400], split.y_train[:400], seed=5)
    b = env["train_cnn"](split.X_train[:400], split.y_train[:400], seed=5)
    probe = torch.as_tensor(split.X_test[:50])
    with torch.no_grad():
        assert torch.allclose(a(probe), b(probe)), "the same seed must give the same model"


def test_q5_rule_uses_convolution(env):
    """The model has a Conv2d layer: this is a lab on convolution."""
    source = env.source
    used = source.modules_used("train_cnn")
    assert any(n.endswith("Conv2d") or n.endswith("conv2d") for n in used), (
        "train_cnn builds no convolution (nn.Conv2d)")
