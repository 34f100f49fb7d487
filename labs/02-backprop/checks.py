"""Hidden checks of Lab 2 (backpropagation): run by the grader, outside the student's process.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
(plain values in, plain values out) and decides here. References live here too.
"""

# ruff: noqa: E501
import numpy as np

# ---------------------------------------------------------------------------- references
# Correct versions of the q1-q5 functions: q6's tests provide them to the student's loop (its
# calls come back here), so q6 grades only the loop and an earlier mistake costs points once.


def affine_forward(x, W, b):
    return x @ W + b, (x, W)


def affine_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)


def softmax_cross_entropy(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    return float(-log_p[rows, y].mean()), grad / len(y)


def sgd_momentum(w, g, v, lr, mu, weight_decay=0.0):
    v_new = mu * v - lr * weight_decay * w - lr * g
    return w + v_new, v_new


def torch_affine(x, W, b, dout):
    import torch

    xt, Wt, bt = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, W, b))
    out = xt @ Wt + bt
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


def torch_relu(x, dout):
    import torch

    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = torch.relu(xt)
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), xt.grad.numpy()


def torch_sgd_trajectory(w0, A, c, lr, mu, steps, weight_decay=0.0):
    """Minimise 0.5 * ||A w - c||^2 with torch.optim.SGD(momentum=mu); record (grad, w, v).

    torch keeps a buffer u <- mu * u + (g + weight_decay * w) and steps w <- w - lr * u; with a
    constant learning rate this is the lab's update with v = -lr * u.
    """
    import torch

    wt = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    At, ct = torch.tensor(A), torch.tensor(c)
    opt = torch.optim.SGD([wt], lr=lr, momentum=mu, weight_decay=weight_decay)
    states = []
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * ((At @ wt - ct) ** 2).sum()
        loss.backward()
        g = wt.grad.numpy().copy()
        decayed = g + weight_decay * wt.detach().numpy()  # before the step changes wt
        opt.step()
        buffer = opt.state[wt].get("momentum_buffer")  # torch keeps none when mu == 0
        u = decayed if buffer is None else buffer.numpy().copy()
        states.append((g, wt.detach().numpy().copy(), -lr * u))
    return states


LAYERS = {"affine_forward": affine_forward, "affine_backward": affine_backward,
          "relu_forward": relu_forward, "relu_backward": relu_backward,
          "softmax_cross_entropy": softmax_cross_entropy, "sgd_momentum": sgd_momentum}


def init_mlp(n_in, n_hidden, n_out, rng):
    """The notebook's own (given) initialisation, to rebuild the student's starting point."""
    return {"W1": rng.standard_normal((n_in, n_hidden)) * np.sqrt(2.0 / n_in),
            "b1": np.zeros(n_hidden),
            "W2": rng.standard_normal((n_hidden, n_out)) * np.sqrt(2.0 / n_hidden),
            "b2": np.zeros(n_out)}


def run_with_references(env, *args, **kwargs):
    """The student's train_mlp, run with the reference layers in place of theirs."""
    with env.provide(**LAYERS):
        return env["train_mlp"](*args, **kwargs)


def accuracy(params, X, y):
    hidden = np.maximum(np.asarray(X, dtype=float) @ params["W1"] + params["b1"], 0)
    return float(np.mean((hidden @ params["W2"] + params["b2"]).argmax(axis=1) == y))



def test_q1_small_example(env):
    """A 2x3 batch through a 3->2 layer: values and gradients against PyTorch autograd."""
    import numpy as np
    import torch


    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    b = np.array([0.01, -0.02])
    dout = np.array([[1.0, -2.0], [0.5, 3.0]])
    out_ref, dx_ref, dW_ref, db_ref = torch_affine(x, W, b, dout)
    out, cache = env["affine_forward"](x, W, b)
    assert np.shape(out) == (2, 2), f"out should have shape (2, 2), got {np.shape(out)}"
    np.testing.assert_allclose(out, out_ref, rtol=1e-7, atol=1e-12, err_msg="forward output")
    grads = env["affine_backward"](dout, cache)
    assert len(grads) == 3, "affine_backward must return (dx, dW, db)"
    for name, mine, ref in zip(("dx", "dW", "db"), grads, (dx_ref, dW_ref, db_ref)):
        assert np.shape(mine) == ref.shape, f"{name}: shape {np.shape(mine)}, not {ref.shape}"
        np.testing.assert_allclose(mine, ref, rtol=1e-7, atol=1e-12, err_msg=name)


def test_q1_random_batch(env):
    """A seeded random batch (N=5, D=4, M=3); inputs must not be modified."""
    import numpy as np
    import torch


    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dout = rng.normal(size=(5, 3))
    copies = [a.copy() for a in (x, W, b, dout)]
    out_ref, dx_ref, dW_ref, db_ref = torch_affine(x, W, b, dout)
    out, cache = env["affine_forward"](x, W, b)
    dx, dW, db = env["affine_backward"](dout, cache)
    for name, mine, ref in (("out", out, out_ref), ("dx", dx, dx_ref), ("dW", dW, dW_ref),
                            ("db", db, db_ref)):
        assert np.shape(mine) == ref.shape, f"{name}: shape {np.shape(mine)}, not {ref.shape}"
        np.testing.assert_allclose(mine, ref, rtol=1e-7, atol=1e-12, err_msg=name)
    for name, a, c in zip(("x", "W", "b", "dout"), (x, W, b, dout), copies):
        assert np.array_equal(a, c), f"{name} was modified in place; work on new arrays instead"


def test_q1_many_shapes_vs_torch(env):
    import numpy as np
    import torch


    rng = np.random.default_rng(2024)
    for N, D, M in [(1, 1, 1), (1, 6, 2), (7, 3, 5), (32, 64, 10), (4, 9, 9), (10, 2, 17)]:
        x, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
        dout = rng.normal(size=(N, M)) * rng.uniform(0.1, 10)
        copies = [a.copy() for a in (x, W, b, dout)]
        out_ref, dx_ref, dW_ref, db_ref = torch_affine(x, W, b, dout)
        out, cache = env["affine_forward"](x, W, b)
        dx, dW, db = env["affine_backward"](dout, cache)
        for name, mine, ref in (("out", out, out_ref), ("dx", dx, dx_ref), ("dW", dW, dW_ref),
                                ("db", db, db_ref)):
            assert np.shape(mine) == ref.shape, f"{name}: shape {np.shape(mine)} != {ref.shape}"
            np.testing.assert_allclose(mine, ref, rtol=1e-7, atol=1e-10,
                                       err_msg=f"{name}, N, D, M = {N, D, M}")
        for name, a, c in zip(("x", "W", "b", "dout"), (x, W, b, dout), copies):
            assert np.array_equal(a, c), f"{name} was modified in place"


def test_q1_finite_differences(env):
    import numpy as np
    rng = np.random.default_rng(7)
    x, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    R = rng.normal(size=(6, 3))  # loss L = sum(R * out), so dL/dout = R

    def loss(x_, W_, b_):
        return float(np.sum(R * (x_ @ W_ + b_)))

    def central(f, a, eps=1e-6):
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            up, down = a.copy(), a.copy()
            up[i] += eps
            down[i] -= eps
            g[i] = (f(up) - f(down)) / (2 * eps)
        return g

    out, cache = env["affine_forward"](x, W, b)
    dx, dW, db = env["affine_backward"](R, cache)
    np.testing.assert_allclose(dx, central(lambda a: loss(a, W, b), x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dW, central(lambda a: loss(x, a, b), W), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(db, central(lambda a: loss(x, W, a), b), rtol=1e-5, atol=1e-7)


def test_q2_small_example(env):
    """Negative, zero and positive inputs against PyTorch's relu and its autograd."""
    import numpy as np
    import torch


    x = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
    dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x_copy, dout_copy = x.copy(), dout.copy()
    out_ref, dx_ref = torch_relu(x, dout)
    out, cache = env["relu_forward"](x)
    dx = env["relu_backward"](dout, cache)
    assert np.shape(out) == x.shape and np.shape(dx) == x.shape, "out and dx must have x's shape"
    np.testing.assert_allclose(out, out_ref, rtol=0, atol=0, err_msg="forward output")
    np.testing.assert_allclose(dx, dx_ref, rtol=0, atol=0, err_msg="dx")
    assert np.array_equal(x, x_copy), "relu_forward modified x in place; return a new array"
    assert np.array_equal(dout, dout_copy), "relu_backward modified dout in place"


def test_q2_random_shapes_vs_torch(env):
    import numpy as np
    import torch


    rng = np.random.default_rng(99)
    for shape in [(1,), (5,), (4, 7), (3, 4, 5), (2, 3, 2, 2)]:
        x = rng.normal(size=shape)
        x.flat[:: 3] = 0.0  # exact zeros: the gradient there is 0
        dout = rng.normal(size=shape)
        x_copy, dout_copy = x.copy(), dout.copy()
        out_ref, dx_ref = torch_relu(x, dout)
        out, cache = env["relu_forward"](x)
        dx = env["relu_backward"](dout, cache)
        assert np.shape(out) == shape and np.shape(dx) == shape, f"shape mismatch for {shape}"
        np.testing.assert_allclose(out, out_ref, rtol=0, atol=0, err_msg=f"out {shape}")
        np.testing.assert_allclose(dx, dx_ref, rtol=0, atol=0, err_msg=f"dx {shape}")
        assert np.array_equal(x, x_copy), "relu_forward modified x in place"
        assert np.array_equal(dout, dout_copy), "relu_backward modified dout in place"


def test_q2_backward_uses_cache_not_dout_sign(env):
    import numpy as np
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    dout = np.array([[-5.0, -6.0], [7.0, 8.0]])  # signs unrelated to x's signs
    out, cache = env["relu_forward"](x)
    dx = env["relu_backward"](dout, cache)
    np.testing.assert_array_equal(dx, np.array([[0.0, -6.0], [7.0, 0.0]]))
    np.testing.assert_array_equal(out, np.array([[0.0, 2.0], [3.0, 0.0]]))


def test_q3_small_example(env):
    """Three examples, four classes: loss and gradient against PyTorch's cross_entropy."""
    import numpy as np
    import torch

    def torch_ce(logits, y):
        zt = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(zt, torch.tensor(y, dtype=torch.long))
        loss.backward()
        return loss.item(), zt.grad.numpy()

    logits = np.array([[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, 0.3, 0.0], [-1.0, 0.0, 1.0, 3.0]])
    y = np.array([0, 1, 2])
    logits_copy = logits.copy()
    loss_ref, grad_ref = torch_ce(logits, y)
    loss, dlogits = env["softmax_cross_entropy"](logits, y)
    assert np.ndim(loss) == 0, f"loss must be a single number, got shape {np.shape(loss)}"
    np.testing.assert_allclose(float(loss), loss_ref, rtol=1e-7, err_msg="loss")
    assert np.shape(dlogits) == logits.shape, f"dlogits should have shape {logits.shape}"
    np.testing.assert_allclose(dlogits, grad_ref, rtol=1e-7, atol=1e-12, err_msg="dlogits")
    assert np.array_equal(logits, logits_copy), "logits were modified in place"


def test_q3_large_logits_are_stable(env):
    """Logits in the thousands: a naive exp overflows; yours must stay finite and correct."""
    import numpy as np
    import torch

    def torch_ce(logits, y):
        zt = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(zt, torch.tensor(y, dtype=torch.long))
        loss.backward()
        return loss.item(), zt.grad.numpy()

    logits = np.array([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 499.0]])
    y = np.array([2, 1])
    loss_ref, grad_ref = torch_ce(logits, y)
    loss, dlogits = env["softmax_cross_entropy"](logits, y)
    finite = np.isfinite(loss) and np.all(np.isfinite(dlogits))
    assert finite, "got inf or nan: subtract each row's maximum before exp"
    np.testing.assert_allclose(float(loss), loss_ref, rtol=1e-7, err_msg="loss")
    np.testing.assert_allclose(dlogits, grad_ref, rtol=1e-7, atol=1e-12, err_msg="dlogits")


def test_q3_random_batches_vs_torch(env):
    import numpy as np
    import torch

    def torch_ce(logits, y):
        zt = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(zt, torch.tensor(y, dtype=torch.long))
        loss.backward()
        return loss.item(), zt.grad.numpy()

    rng = np.random.default_rng(31)
    for N, C, scale in [(1, 2, 1.0), (7, 10, 3.0), (64, 10, 1.0), (5, 3, 50.0), (16, 2, 1e4)]:
        logits = rng.normal(size=(N, C)) * scale
        y = rng.integers(0, C, size=N)
        logits_copy = logits.copy()
        loss_ref, grad_ref = torch_ce(logits, y)
        loss, dlogits = env["softmax_cross_entropy"](logits, y)
        assert np.ndim(loss) == 0, "loss must be a single number"
        np.testing.assert_allclose(float(loss), loss_ref, rtol=1e-7, atol=1e-12,
                                   err_msg=f"loss N={N} C={C} scale={scale}")
        assert np.shape(dlogits) == (N, C), f"dlogits shape {np.shape(dlogits)} != {(N, C)}"
        np.testing.assert_allclose(dlogits, grad_ref, rtol=1e-7, atol=1e-12,
                                   err_msg=f"dlogits N={N} C={C} scale={scale}")
        assert np.array_equal(logits, logits_copy), "logits were modified in place"


def test_q3_finite_differences_and_batch_mean(env):
    import numpy as np
    rng = np.random.default_rng(5)
    logits, y = rng.normal(size=(4, 5)), np.array([4, 0, 2, 2])

    def loss_only(z):
        m = z.max(axis=1, keepdims=True)
        lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
        return float(np.mean(lse - z[np.arange(len(y)), y]))

    eps = 1e-6
    numeric = np.zeros_like(logits)
    for i in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (loss_only(up) - loss_only(down)) / (2 * eps)
    loss, dlogits = env["softmax_cross_entropy"](logits, y)
    np.testing.assert_allclose(float(loss), loss_only(logits), rtol=1e-10)
    np.testing.assert_allclose(dlogits, numeric, rtol=1e-5, atol=1e-8)
    # doubling the batch with a copy of itself leaves the mean loss and its per-row gradient
    # (up to the factor 1/2 from the larger N) unchanged
    loss2, d2 = env["softmax_cross_entropy"](np.vstack([logits, logits]), np.concatenate([y, y]))
    np.testing.assert_allclose(float(loss2), float(loss), rtol=1e-10)
    np.testing.assert_allclose(d2[:4], dlogits / 2, rtol=1e-10, atol=1e-14)


def test_q4_cubic_against_the_formula(env):
    """f(x) = sum(x**3) has gradient 3 x**2; only a central difference is this accurate."""
    import numpy as np
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
    x_copy = x.copy()
    grad = env["numerical_gradient"](lambda z: np.sum(z ** 3), x, eps=1e-4)
    assert np.shape(grad) == x.shape, f"gradient should have shape {x.shape}, got {np.shape(grad)}"
    np.testing.assert_allclose(grad, 3 * x_copy ** 2, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(x, x_copy, rtol=0, atol=1e-12,
                               err_msg="numerical_gradient changed x; perturb a copy")


def test_q4_known_functions(env):
    import numpy as np
    rng = np.random.default_rng(3)
    # a quadratic form on a vector: gradient (A + A^T) x / 2
    A = rng.normal(size=(6, 6))
    x = rng.normal(size=6)
    x_copy = x.copy()
    grad = env["numerical_gradient"](lambda z: 0.5 * z @ A @ z, x)
    np.testing.assert_allclose(grad, 0.5 * (A + A.T) @ x_copy, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(x, x_copy, rtol=0, atol=1e-12, err_msg="x was changed")
    # a 3-D array through sin and a weighting: gradient cos(x) * c
    c = rng.normal(size=(2, 3, 4))
    x3 = rng.normal(size=(2, 3, 4))
    x3_copy = x3.copy()
    grad3 = env["numerical_gradient"](lambda z: np.sum(np.sin(z) * c), x3, eps=1e-4)
    assert np.shape(grad3) == (2, 3, 4), f"shape {np.shape(grad3)} != (2, 3, 4)"
    np.testing.assert_allclose(grad3, np.cos(x3_copy) * c, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(x3, x3_copy, rtol=0, atol=1e-12, err_msg="x was changed")
    # log-sum-exp of a matrix-vector product: gradient W^T softmax(W x)
    W = rng.normal(size=(5, 3))
    v = rng.normal(size=3)
    s = np.exp(W @ v - (W @ v).max())
    s /= s.sum()
    grad_v = env["numerical_gradient"](lambda z: np.log(np.sum(np.exp(W @ z))), v)
    np.testing.assert_allclose(grad_v, W.T @ s, rtol=1e-6, atol=1e-8)


def test_q4_does_not_mutate_and_accepts_numpy_scalars(env):
    import numpy as np
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    x_copy = x.copy()
    seen = []

    def f(z):
        seen.append(z.shape)
        return np.float64(np.sum(np.exp(z)))  # a numpy scalar, not a Python float

    grad = env["numerical_gradient"](f, x, eps=1e-5)
    assert all(shape == (3, 4) for shape in seen), "f must be called with arrays shaped like x"
    assert len(seen) >= 24, "a central difference needs two calls of f per element"
    np.testing.assert_allclose(grad, np.exp(x_copy), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(x, x_copy, rtol=0, atol=1e-12, err_msg="x was changed")


def test_q5_against_torch_sgd(env):
    """Five steps on a least-squares problem, compared with torch.optim.SGD(momentum=0.9)."""
    import numpy as np
    import torch


    rng = np.random.default_rng(0)
    A, c, w = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    v = np.zeros(3)
    for step, (g, w_ref, v_ref) in enumerate(torch_sgd_trajectory(w, A, c, 0.05, 0.9, 5)):
        g_copy, w_copy, v_copy = g.copy(), w.copy(), v.copy()
        w_next, v_next = env["sgd_momentum"](w, g, v, 0.05, 0.9)
        for name, a, a_copy in (("w", w, w_copy), ("g", g, g_copy), ("v", v, v_copy)):
            assert np.array_equal(a, a_copy), f"{name} was modified in place; return new arrays"
        np.testing.assert_allclose(v_next, v_ref, rtol=1e-9, atol=1e-12, err_msg=f"v, step {step}")
        np.testing.assert_allclose(w_next, w_ref, rtol=1e-9, atol=1e-12, err_msg=f"w, step {step}")
        w, v = w_next, v_next


def test_q5_trajectories_vs_torch(env):
    import numpy as np
    import torch


    rng = np.random.default_rng(11)
    for d, lr, mu in [(1, 0.1, 0.0), (5, 0.02, 0.5), (8, 0.01, 0.99), (3, 0.3, 0.9)]:
        A, c, w = rng.normal(size=(d + 2, d)), rng.normal(size=d + 2), rng.normal(size=d)
        v = np.zeros(d)
        for step, (g, w_ref, v_ref) in enumerate(torch_sgd_trajectory(w, A, c, lr, mu, 20)):
            w, v = env["sgd_momentum"](w, g, v, lr, mu)
            np.testing.assert_allclose(v, v_ref, rtol=1e-8, atol=1e-11,
                                       err_msg=f"v, d={d} lr={lr} mu={mu} step {step}")
            np.testing.assert_allclose(w, w_ref, rtol=1e-8, atol=1e-11,
                                       err_msg=f"w, d={d} lr={lr} mu={mu} step {step}")


def test_q5_single_step_matrix_no_mutation(env):
    import numpy as np
    rng = np.random.default_rng(12)
    w, g, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    copies = [a.copy() for a in (w, g, v)]
    w_new, v_new = env["sgd_momentum"](w, g, v, 0.1, 0.8)
    for name, a, a_copy in zip("wgv", (w, g, v), copies):
        assert np.array_equal(a, a_copy), f"{name} was modified in place"
    v_expected = 0.8 * copies[2] - 0.1 * copies[1]
    assert np.shape(w_new) == (3, 4) and np.shape(v_new) == (3, 4), "shapes must match w"
    np.testing.assert_allclose(v_new, v_expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(w_new, copies[0] + v_expected, rtol=1e-12, atol=1e-15)


def test_q6_reaches_95_percent(env):
    """Your loop, run with reference layers and your default arguments, on the digits data."""
    import numpy as np

    import utils


    data = utils.data.load_dataset("digits")
    params, losses = run_with_references(env, data.X_train, data.y_train, seed=0)
    shapes = {"W1": (64, None), "b1": (None,), "W2": (None, 10), "b2": (10,)}
    assert set(params) >= set(shapes), f"params must have keys W1, b1, W2, b2, got {sorted(params)}"
    for name, shape in shapes.items():
        got = np.shape(params[name])
        assert len(got) == len(shape) and all(s is None or s == g for s, g in zip(shape, got)), \
            f"{name} has shape {got}"
    assert len(losses) >= 1 and losses[-1] < losses[0], "the epoch losses should go down"
    acc = accuracy(params, data.X_test, data.y_test)
    assert acc >= 0.95, f"test accuracy {acc:.3f} is below the 0.95 target"


def test_q6_full_batch_steps_match_torch(env):
    """Three full-batch steps (batch_size = N) must match torch.optim.SGD step for step."""
    import numpy as np
    import torch

    import utils


    data = utils.data.load_dataset("digits")
    X, y = data.X_train[:40].astype(np.float64), data.y_train[:40]
    params, losses = run_with_references(env, X, y, hidden=8, epochs=3, lr=0.1, momentum=0.9,
                                         batch_size=len(X), seed=3)
    # the same initial parameters, then PyTorch's autograd and optimizer
    start = init_mlp(64, 8, int(y.max()) + 1, np.random.default_rng(3))
    tensors = {name: torch.tensor(value, requires_grad=True) for name, value in start.items()}
    opt = torch.optim.SGD(list(tensors.values()), lr=0.1, momentum=0.9)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    ref_losses = []
    for _ in range(3):
        opt.zero_grad()
        hidden = torch.relu(Xt @ tensors["W1"] + tensors["b1"])
        loss = torch.nn.functional.cross_entropy(hidden @ tensors["W2"] + tensors["b2"], yt)
        loss.backward()
        opt.step()
        ref_losses.append(loss.item())
    assert len(losses) == 3, f"epochs=3 should give 3 losses, got {len(losses)}"
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-7, err_msg="epoch losses")
    for name, tensor in tensors.items():
        np.testing.assert_allclose(params[name], tensor.detach().numpy(), rtol=1e-7, atol=1e-10,
                                   err_msg=f"{name} after 3 steps")


def test_q6_other_seeds_and_no_mutation(env):
    import numpy as np

    import utils


    data = utils.data.load_dataset("digits")
    X, y = data.X_train.copy(), data.y_train.copy()
    for seed in (1, 2):
        params, losses = run_with_references(env, X, y, seed=seed)
        assert np.array_equal(X, data.X_train) and np.array_equal(y, data.y_train), \
            "train_mlp modified X or y in place"
        acc = accuracy(params, data.X_test, data.y_test)
        assert acc >= 0.95, f"seed {seed}: test accuracy {acc:.3f} < 0.95"


def test_q6_arguments_determinism_other_data(env):
    import numpy as np

    import utils


    data = utils.data.load_dataset("digits")
    p1, l1 = run_with_references(env, data.X_train, data.y_train, hidden=16, epochs=3, seed=5)
    p2, l2 = run_with_references(env, data.X_train, data.y_train, hidden=16, epochs=3, seed=5)
    assert len(l1) == 3, f"epochs=3 should give 3 losses, got {len(l1)}"
    assert np.shape(p1["W1"]) == (64, 16), "hidden=16 should give W1 of shape (64, 16)"
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(p1[name], p2[name], err_msg=f"{name}: same seed, same result")
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    wine = utils.data.load_dataset("wine")
    params, losses = run_with_references(env, wine.X_train, wine.y_train, seed=0)
    assert np.shape(params["W2"])[1] == 3, "wine has 3 classes"
    acc = accuracy(params, wine.X_test, wine.y_test)
    assert acc >= 0.9, f"wine: test accuracy {acc:.3f} < 0.9"


# ---------------------------------------------------------------------------- rules and inputs
# Added when the labs were attacked with new wrong answers (issue 7): rules the prompts state,
# arguments that must not be ignored, and inputs that simpler tests never tried.


def _no_torch(env, *names):
    for name in names:
        used = {n for n in env.source.names_used(name) if n == "torch" or n.startswith("torch.")}
        assert not used, f"{name} uses PyTorch ({sorted(used)[:3]}); write it in numpy"


# A rule is only worth points next to working code: each rule test first checks a small case.


def test_q1_rule_numpy_only(env):
    out, cache = env["affine_forward"](np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]),
                                       np.array([0.5, 0.0]))
    np.testing.assert_allclose(out, [[1.5, 2.0], [3.5, 4.0]])
    dx, dW, db = env["affine_backward"](np.ones((2, 2)), cache)
    np.testing.assert_allclose(db, [2.0, 2.0])
    _no_torch(env, "affine_forward", "affine_backward")


def test_q2_rule_numpy_only(env):
    out, cache = env["relu_forward"](np.array([[-1.0, 2.0]]))
    np.testing.assert_array_equal(out, [[0.0, 2.0]])
    np.testing.assert_array_equal(env["relu_backward"](np.array([[5.0, 7.0]]), cache),
                                  [[0.0, 7.0]])
    _no_torch(env, "relu_forward", "relu_backward")


def test_q3_rule_numpy_only(env):
    loss, dlogits = env["softmax_cross_entropy"](np.zeros((1, 2)), np.array([0]))
    np.testing.assert_allclose(float(loss), np.log(2.0))
    np.testing.assert_allclose(dlogits, [[-0.5, 0.5]])
    _no_torch(env, "softmax_cross_entropy")


def test_q4_rule_own_checker(env):
    """numerical_gradient is written here, without utils.check or PyTorch."""
    grad = env["numerical_gradient"](lambda a: float(np.sum(a ** 2)), np.array([1.0, -2.0]))
    np.testing.assert_allclose(grad, [2.0, -4.0], rtol=1e-6)
    _no_torch(env, "numerical_gradient")
    used = env.source.names_used("numerical_gradient")
    borrowed = sorted(n for n in used if n.startswith(("utils.check", "compare",
                                                       "gradient_check", "utils.")))
    assert not borrowed, f"numerical_gradient calls {borrowed}; write the differences yourself"


def test_q5_rule_numpy_only(env):
    w_new, v_new = env["sgd_momentum"](np.array([1.0]), np.array([2.0]), np.array([0.5]), 0.1,
                                       0.9)
    np.testing.assert_allclose(v_new, [0.25])
    np.testing.assert_allclose(w_new, [1.25])
    _no_torch(env, "sgd_momentum")


def test_q1_integers_views_and_non_square(env):
    """Integer inputs, transposed and strided views, and shapes where a wrong axis shows."""
    import numpy as np
    from grading.wire import View

    rng = env.rng("q1-views")
    x, W, b = rng.integers(-3, 4, size=(5, 3)), rng.integers(-2, 3, size=(3, 7)), \
        rng.integers(-1, 2, size=7)
    out, cache = env["affine_forward"](x, W, b)
    np.testing.assert_array_equal(out, x @ W + b, err_msg="integer x, W and b")
    x, W, b = rng.normal(size=(4, 6)), rng.normal(size=(6, 2)), rng.normal(size=2)
    G = rng.normal(size=(4, 2))
    out, cache = env["affine_forward"](View(x, "T"), View(W, "every-other-column"), b)
    np.testing.assert_allclose(out, x @ W + b, rtol=1e-12, err_msg="non-contiguous x and W")
    dx, dW, db = env["affine_backward"](View(G, "T"), cache)
    np.testing.assert_allclose(dx, G @ W.T, rtol=1e-12, err_msg="dx, non-contiguous inputs")
    np.testing.assert_allclose(dW, x.T @ G, rtol=1e-12, err_msg="dW, non-contiguous inputs")
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-12, err_msg="db")


def test_q2_integers_extremes_and_views(env):
    """Integer input, huge and tiny values, a strided view; the gradient's dtype follows dout."""
    import numpy as np
    from grading.wire import View

    x = np.array([[-3, 0, 2], [7, -1, 0]])
    out, cache = env["relu_forward"](x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    dout = np.array([[0.5, 2.0, -1.0], [3.0, 4.0, 5.0]])
    np.testing.assert_array_equal(env["relu_backward"](dout, cache), dout * (x > 0))
    x = np.array([1e300, -1e300, 1e-300, -1e-300, 0.0])
    out, cache = env["relu_forward"](View(x[None, :], "every-other-column"))
    np.testing.assert_array_equal(out, np.maximum(x[None, :], 0.0))
    np.testing.assert_array_equal(env["relu_backward"](np.ones((1, 5)), cache),
                                  (x[None, :] > 0).astype(float))


def test_q3_integer_logits_and_batch_of_one(env):
    import numpy as np

    for logits, y in ((np.array([[2, 0, -1]]), np.array([0])),
                      (np.array([[1, 1], [0, 5], [3, 3]]), np.array([1, 0, 0]))):
        loss, dlogits = env["softmax_cross_entropy"](logits, y)
        z = logits - logits.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        P = np.exp(log_p)
        P[rows, y] -= 1
        np.testing.assert_allclose(float(loss), -log_p[rows, y].mean(), rtol=1e-10)
        np.testing.assert_allclose(dlogits, P / len(y), rtol=1e-10, atol=1e-15)


def test_q4_eps_is_used(env):
    """With a large eps the central difference of x**3 is 3x**2 + eps**2: eps must be used."""
    import numpy as np

    x = np.array([1.0, -2.0, 0.5])
    grad = np.asarray(env["numerical_gradient"](lambda a: float(np.sum(a ** 3)), x, eps=0.1))
    np.testing.assert_allclose(grad, 3 * x ** 2 + 0.01, rtol=1e-9,
                               err_msg="numerical_gradient ignores its eps argument")


def test_q4_integer_input_and_non_square(env):
    """An integer x (the gradient is still a float array) and a (2, 3) input."""
    import numpy as np

    x = np.array([[1, 2, 3], [-1, 0, 4]])
    W = np.arange(6.0).reshape(2, 3)
    grad = np.asarray(env["numerical_gradient"](lambda a: float(np.sum(W * a ** 2)), x))
    assert grad.dtype.kind == "f", f"the gradient must be a float array, got {grad.dtype}"
    np.testing.assert_allclose(grad, 2 * W * x, rtol=1e-6, atol=1e-6)
    assert np.array_equal(x, [[1, 2, 3], [-1, 0, 4]]), "x was modified"


def test_q5_every_argument_matters(env):
    """lr, mu and the velocity each change the step; no input is modified."""
    import numpy as np

    rng = env.rng("q5-args")
    w, g, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    copies = [a.copy() for a in (w, g, v)]
    for lr, mu in ((0.1, 0.9), (0.7, 0.0), (0.01, 0.5)):
        w_new, v_new = env["sgd_momentum"](w, g, v, lr, mu)
        np.testing.assert_allclose(v_new, mu * v - lr * g, rtol=1e-12, err_msg=f"lr={lr}, mu={mu}")
        np.testing.assert_allclose(w_new, w + mu * v - lr * g, rtol=1e-12)
    for a, c, name in zip((w, g, v), copies, "wgv"):
        assert np.array_equal(a, c), f"{name} was modified in place"


def reference_train(X, y, hidden, epochs, lr, momentum, batch_size, seed):
    """The loop q6 asks for, with the reference layers: the trajectory to compare with."""
    rng = np.random.default_rng(seed)
    params = init_mlp(X.shape[1], hidden, int(y.max()) + 1, rng)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    losses = []
    for _ in range(epochs):
        order, batch_losses = rng.permutation(len(X)), []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            h, c1 = affine_forward(X[idx], params["W1"], params["b1"])
            a, c2 = relu_forward(h)
            logits, c3 = affine_forward(a, params["W2"], params["b2"])
            loss, dlogits = softmax_cross_entropy(logits, y[idx])
            da, dW2, db2 = affine_backward(dlogits, c3)
            _, dW1, db1 = affine_backward(relu_backward(da, c2), c1)
            grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
            for k in params:
                params[k], velocity[k] = sgd_momentum(params[k], grads[k], velocity[k], lr,
                                                      momentum)
            batch_losses.append(loss)
        losses.append(float(np.mean(batch_losses)))
    return params, losses


def test_q6_full_trajectory_with_a_partial_last_batch(env):
    """Several epochs of mini-batches whose size does not divide N (the last one is smaller):
    the epoch losses and final parameters equal the reference loop's, for every argument."""
    import utils

    data = utils.data.load_dataset("digits")
    X, y = data.X_train[:150], data.y_train[:150]
    for hidden, epochs, lr, momentum, batch_size, seed in ((12, 3, 0.05, 0.9, 32, 4),
                                                            (7, 2, 0.2, 0.5, 64, 9)):
        args = dict(hidden=hidden, epochs=epochs, lr=lr, momentum=momentum,
                    batch_size=batch_size, seed=seed)
        params, losses = run_with_references(env, X, y, **args)
        ref_params, ref_losses = reference_train(X, y, **args)
        np.testing.assert_allclose(losses, ref_losses, rtol=1e-9,
                                   err_msg=f"epoch losses with {args}")
        for k in ref_params:
            np.testing.assert_allclose(params[k], ref_params[k], rtol=1e-8, atol=1e-12,
                                       err_msg=f"{k} after training with {args}")


# ---------------------------------------------------------------------------- weight decay (q5)
# Added with the weight-decay term of Krizhevsky et al.'s update (issue 7, section 5).


def test_q5_weight_decay_against_torch_sgd(env):
    """Twenty steps with momentum and weight decay, compared with torch.optim.SGD."""
    import numpy as np

    rng = np.random.default_rng(21)
    for d, lr, mu, wd in [(3, 0.05, 0.9, 0.0005), (4, 0.1, 0.0, 0.3), (2, 0.02, 0.5, 2.0)]:
        A, c, w = rng.normal(size=(d + 2, d)), rng.normal(size=d + 2), rng.normal(size=d)
        v = np.zeros(d)
        trajectory = torch_sgd_trajectory(w, A, c, lr, mu, 20, weight_decay=wd)
        for step, (g, w_ref, v_ref) in enumerate(trajectory):
            w, v = env["sgd_momentum"](w, g, v, lr, mu, weight_decay=wd)
            where = f"d={d} lr={lr} mu={mu} weight_decay={wd} step {step}"
            np.testing.assert_allclose(v, v_ref, rtol=1e-8, atol=1e-11, err_msg=f"v, {where}")
            np.testing.assert_allclose(w, w_ref, rtol=1e-8, atol=1e-11, err_msg=f"w, {where}")


def test_q5_weight_decay_by_position_and_default(env):
    """weight_decay is the sixth argument; left out, it is 0; it uses w before the step."""
    import numpy as np

    rng = env.rng("q5-decay")
    w, g, v = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    copies = [a.copy() for a in (w, g, v)]
    for wd in (0.01, 0.5):
        w_new, v_new = env["sgd_momentum"](w, g, v, 0.2, 0.7, wd)
        v_expected = 0.7 * v - 0.2 * wd * w - 0.2 * g
        np.testing.assert_allclose(v_new, v_expected, rtol=1e-12, err_msg=f"weight_decay={wd}")
        np.testing.assert_allclose(w_new, w + v_expected, rtol=1e-12, err_msg=f"weight_decay={wd}")
    w_new, v_new = env["sgd_momentum"](w, g, v, 0.2, 0.7)
    np.testing.assert_allclose(v_new, 0.7 * v - 0.2 * g, rtol=1e-12,
                               err_msg="without weight_decay the step is plain momentum")
    for a, c, name in zip((w, g, v), copies, "wgv"):
        assert np.array_equal(a, c), f"{name} was modified in place"


# ---------------------------------------------------------------------------- measurement (q7)


def ref_gradient_norms(activation="sigmoid", depth=10, width=64, seed=0):
    """What q7 asks for, written independently of the solution (a loop over a layer list)."""
    import torch
    from torch import nn

    import utils

    split = utils.data.load_dataset("digits")
    X, y = torch.as_tensor(split.X_train[:256]), torch.as_tensor(split.y_train[:256])
    torch.manual_seed(seed)
    sizes = [X.shape[1]] + [width] * (depth - 1) + [10]
    h, linears = X, []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layer = nn.Linear(fan_in, fan_out)
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        nn.init.zeros_(layer.bias)
        linears.append(layer)
    for k, layer in enumerate(linears):
        h = layer(h)
        if k < depth - 1:
            h = torch.sigmoid(h) if activation == "sigmoid" else torch.relu(h)
    torch.nn.functional.cross_entropy(h, y).backward()
    weights = [layer.weight.grad for layer in linears]
    return np.array([float(torch.linalg.norm(g)) for g in weights])


def test_q7_norms_match_a_reference(env):
    """Both activations at the defaults, and other depths, widths and seeds, layer by layer."""
    import numpy as np

    for args in [("sigmoid", 10, 64, 0), ("relu", 10, 64, 0), ("sigmoid", 3, 20, 2),
                 ("relu", 5, 32, 7), ("sigmoid", 6, 8, 3)]:
        mine = np.asarray(env["gradient_norms"](*args), dtype=float)
        ref = ref_gradient_norms(*args)
        assert mine.shape == ref.shape, f"{args}: expected {len(ref)} norms, got shape {mine.shape}"
        np.testing.assert_allclose(mine, ref, rtol=1e-4, err_msg=f"arguments {args}")


def test_q7_defaults_and_keywords(env):
    """gradient_norms() uses the stated defaults; keyword arguments work."""
    import numpy as np

    np.testing.assert_allclose(np.asarray(env["gradient_norms"](), dtype=float),
                               ref_gradient_norms(), rtol=1e-4, err_msg="gradient_norms()")
    np.testing.assert_allclose(
        np.asarray(env["gradient_norms"](activation="relu", depth=4, width=12, seed=5), float),
        ref_gradient_norms("relu", 4, 12, 5), rtol=1e-4, err_msg="keyword arguments")


def test_q7_ratios_measured(env):
    """sigmoid_ratio and relu_ratio are the first/last ratios of the default networks."""
    sigmoid, relu = ref_gradient_norms("sigmoid"), ref_gradient_norms("relu")
    for name, norms in (("sigmoid_ratio", sigmoid), ("relu_ratio", relu)):
        expected = norms[0] / norms[-1]
        value = float(env[name])
        assert abs(value - expected) <= 1e-3 * expected, (
            f"{name} = {value:.4g}; the measured first/last ratio is not that")


def test_q7_interpretation(env):
    """The statement that explains the measurement."""
    assert str(env["explanation"]).strip().upper() == "B", "that statement does not explain it"
