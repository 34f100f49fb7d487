"""Hidden checks of Lab 8 (attacks, defences and data parallelism): run by the grader, outside
the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Models cannot cross the sandbox wall, and the attacks need their
gradients, so most checks run a short probe inside the submission's process: trusted code,
written here, that builds a small model from a seed, calls the student's function and leaves
plain tensors behind. The grader builds the same model from the same seed in its own process,
computes the answer with its own reference, and decides here. q7's trained weights come back
as tensors and are judged in the grader's own copy of the network, with the grader's attack.
"""

# ruff: noqa: E501
import hashlib

import numpy as np

# ---------------------------------------------------------------------------- shared code

# Run by both sides: in the submission (inside a probe) and here, with the same seeds, so both
# sides hold bit-for-bit the same model. Adaptive pooling takes images of any size; dropout,
# when asked for, makes a function that forgets evaluation mode give other answers.
MODELS = '''
class Centred(torch.nn.Module):
    def forward(self, x):
        # pixels around zero, so that the tanh features tell images apart; the top row is
        # ignored, so its gradient is exactly zero (and its sign is 0: those pixels stay put)
        mask = torch.ones_like(x)
        mask[..., 0, :] = 0
        return (x - 0.5) * mask


def make_model(seed, dropout=False, dtype=torch.float64, classes=4):
    torch.manual_seed(seed)
    layers = [Centred(), torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.Tanh()]
    if dropout:
        layers.append(torch.nn.Dropout(0.5))
    layers += [torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(12, classes)]
    model = torch.nn.Sequential(*layers).to(dtype)
    with torch.no_grad():  # no biases and larger weights: logits that depend on the image
        for layer in (model[1], model[-1]):
            layer.bias.zero_()
            layer.weight.mul_(3.0)
    return model


def make_images(seed, shape, dtype=torch.float64, classes=4):
    g = torch.Generator().manual_seed(seed)
    # a coarse pattern per image (what the pooled features see) plus pixel noise
    coarse = torch.rand((shape[0], 1, 2, 2), generator=g, dtype=torch.float64)
    x = torch.nn.functional.interpolate(coarse, size=shape[2:], mode="nearest")
    x = 0.7 * x + 0.3 * torch.rand(shape, generator=g, dtype=torch.float64)
    x = torch.where(x < 0.15, torch.zeros_like(x), torch.where(x > 0.85, torch.ones_like(x), x))
    t = torch.randint(0, classes, (shape[0],), generator=g)
    return x.to(dtype), t


def snapshot(model):
    return [p.detach().clone() for p in model.parameters()]
'''

SMALL_CNN = '''
def grader_small_cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32 * 7 * 7, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
'''

# q6's reference, also put in place of the student's adversarial_batch while q7 trains
TRUSTED_BATCH = '''
def trusted_adversarial_batch(model, x, t, generator, eps=0.1):
    import torch.nn.functional as F

    start = (torch.rand(x.shape, generator=generator, dtype=x.dtype) * 2 - 1) * eps
    x_start = (x + start).clamp(0, 1).requires_grad_(True)
    model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_start), t), x_start)
    stepped = x_start.detach() + 1.25 * eps * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1).detach()
'''


def _here(*sources):
    import torch

    namespace = {"torch": torch}
    for source in sources:
        exec(source, namespace)
    return namespace


def probe(env, body: str):
    """Run ``body`` in the submission, inside a function of its own (so that the notebook's
    names are left alone) with its own import of torch and the shared model code; ``body``
    sets ``result`` to plain values, which come back here."""
    name = f"_lab08_probe_{hashlib.sha256(body.encode()).hexdigest()[:12]}"
    code = MODELS + "\n" + body
    indented = "\n".join("    " + line for line in code.strip("\n").splitlines())
    source = f"""
def {name}_run():
    import torch
{indented}
    return result


try:
    {name} = {{"ok": True, "result": {name}_run()}}
except BaseException as {name}_error:
    {name} = {{"ok": False, "error": f"{{type({name}_error).__name__}}: {{{name}_error}}"[:500]}}
"""
    assert env.session.execute(source), "the probe could not run in the submission"
    found = env[name]
    assert isinstance(found, dict) and "ok" in found, "the probe left nothing behind"
    assert found["ok"], f"your function raised: {found.get('error')}"
    return found["result"]


# ---------------------------------------------------------------------------- references


def _input_gradient(model, x, t):
    import torch
    import torch.nn.functional as F

    model.eval()
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    return grad


def _same_attack(got, want, grad, what, rtol=1e-12):
    """``got`` equals ``want`` except, perhaps, where the gradient is zero up to rounding (its
    sign there depends on the order of floating-point operations)."""
    import torch

    assert isinstance(got, torch.Tensor), f"{what}: return a tensor, not {type(got).__name__}"
    assert tuple(got.shape) == tuple(want.shape), f"{what}: shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, expected {want.dtype} (that of x)"
    assert torch.isfinite(got).all(), f"{what}: non-finite values"
    tol = 1e-5 if want.dtype == torch.float32 else 1e-12
    wrong = (got - want).abs() > tol
    # float32 convolutions round differently with other thread counts (the grader's process
    # and the submission's need not match), so small float32 gradients may change sign
    relative = 1e-3 if want.dtype == torch.float32 else 1e-9
    tiny = (grad != 0) & (grad.abs() <= relative * max(float(grad.abs().max()), 1e-300))
    bad = wrong & ~tiny
    if bad.any():
        i = tuple(int(k) for k in bad.nonzero()[0])
        raise AssertionError(f"{what}: {int(bad.sum())} of {got.numel()} pixels differ, e.g. at {i}: "
                             f"{float(got[i]):.6f}, expected {float(want[i]):.6f}")


def _unchanged(found, what):
    assert found["x same"], f"{what}: the input images were modified"
    assert found["params same"], f"{what}: the model's parameters were changed"
    assert not found["grad"], f"{what}: return a detached tensor (no gradient history)"


# ---------------------------------------------------------------------------- q1

ATTACK_CASES = [  # seed, shape, eps, dropout, dtype
    (11, (5, 1, 6, 7), 0.1, True, "float64"),
    (12, (3, 1, 4, 4), 0.25, True, "float64"),
    (13, (1, 1, 5, 3), 0.03, False, "float64"),
    (14, (6, 1, 7, 5), 0.1, True, "float32"),
    (15, (4, 1, 4, 6), 0.0, False, "float64"),
]

PROBE_Q1 = '''
result = []
for seed, shape, eps, dropout, dtype in CASES:
    dtype = getattr(torch, dtype)
    model = make_model(seed, dropout=dropout, dtype=dtype)
    model.train()
    x, t = make_images(seed + 100, shape, dtype=dtype)
    x_before, params = x.clone(), snapshot(model)
    x_adv = fgsm(model, x, t, eps)
    result.append({"x_adv": x_adv.detach().clone() if isinstance(x_adv, torch.Tensor) else x_adv,
                   "grad": isinstance(x_adv, torch.Tensor) and x_adv.requires_grad,
                   "x same": torch.equal(x, x_before),
                   "params same": all(torch.equal(a, b) for a, b in zip(params, model.parameters()))})
'''


def ref_fgsm(model, x, t, eps):
    grad = _input_gradient(model, x, t)
    return (x + eps * grad.sign()).clamp(0, 1), grad


def test_q1_matches_the_reference_in_evaluation_mode(env):
    """Small conv nets (some with dropout, handed over in training mode), images of several
    sizes with pixels at 0 and 1, float32 and float64, eps from 0 to 0.25: every pixel."""
    import torch

    found = probe(env, f"CASES = {ATTACK_CASES!r}\n" + PROBE_Q1)
    here = _here(MODELS)
    for (seed, shape, eps, dropout, dtype), got in zip(ATTACK_CASES, found):
        dtype = getattr(torch, dtype)
        model = here["make_model"](seed, dropout=dropout, dtype=dtype)
        x, t = here["make_images"](seed + 100, shape, dtype=dtype)
        want, grad = ref_fgsm(model, x, t, eps)
        what = f"images {shape}, eps = {eps}" + (", a model with dropout" if dropout else "")
        _same_attack(got["x_adv"], want, grad, what)
        _unchanged(got, what)


# ---------------------------------------------------------------------------- q2

PROBE_Q2 = '''
calls = []


def attack(model, x, t, eps):
    """Not a real attack: noise of size eps, seeded by eps, so both sides agree."""
    calls.append((float(eps), tuple(x.shape)))
    g = torch.Generator().manual_seed(int(round(eps * 1000)))
    return (x + eps * torch.randn(x.shape, generator=g, dtype=x.dtype)).clamp(0, 1)


model = make_model(21, dropout=True, classes=3)
model.train()
x, t = make_images(121, (60, 1, 5, 6), classes=3)
curve = accuracy_under_attack(model, x, t, EPSILONS, attack)
empty = accuracy_under_attack(model, x, t, [], attack)
result = {"curve": list(curve), "types": [type(a).__name__ for a in curve], "calls": calls,
          "empty": list(empty)}
'''

Q2_EPSILONS = [0.3, 0.0, 1.5, 0.1]


def test_q2_matches_the_reference(env):
    """A model with dropout handed over in training mode, budgets out of order: one float per
    budget, in order, each the fraction correct in evaluation mode; one attack call each."""
    import torch

    found = probe(env, f"EPSILONS = {Q2_EPSILONS!r}\n" + PROBE_Q2)
    here = _here(MODELS)
    model = here["make_model"](21, dropout=True, classes=3).eval()
    x, t = here["make_images"](121, (60, 1, 5, 6), classes=3)
    want = []
    for eps in Q2_EPSILONS:
        g = torch.Generator().manual_seed(int(round(eps * 1000)))
        x_adv = (x + eps * torch.randn(x.shape, generator=g, dtype=x.dtype)).clamp(0, 1)
        with torch.no_grad():
            want.append((model(x_adv).argmax(dim=1) == t).double().mean().item())
    assert len(found["curve"]) == len(Q2_EPSILONS), f"{len(found['curve'])} values for {len(Q2_EPSILONS)} budgets"
    assert all(kind == "float" for kind in found["types"]), f"return Python floats, got {found['types']}"
    for eps, got, expected in zip(Q2_EPSILONS, found["curve"], want):
        assert abs(got - expected) < 1e-6, f"eps = {eps}: accuracy {got:.4f}, expected {expected:.4f}"
    wanted_calls = [(eps, (60, 1, 5, 6)) for eps in Q2_EPSILONS]
    assert [tuple(c[:1]) + (tuple(c[1]),) for c in found["calls"]] == wanted_calls, (
        f"call attack once per budget, in order, on all of X: calls {found['calls']}")
    assert found["empty"] == [], f"no budgets, no accuracies: got {found['empty']}"


# ---------------------------------------------------------------------------- q3

STEP_CASES = [  # seed, shape, eps, alpha, dropout, dtype
    (31, (5, 1, 6, 7), 0.1, 0.04, True, "float64"),
    (32, (3, 1, 4, 4), 0.2, 0.15, True, "float64"),
    (33, (2, 1, 5, 3), 0.05, 0.2, False, "float64"),
    (34, (6, 1, 7, 5), 0.1, 0.025, True, "float32"),
]

PROBE_Q3 = '''
result = []
for seed, shape, eps, alpha, dropout, dtype in CASES:
    dtype = getattr(torch, dtype)
    model = make_model(seed, dropout=dropout, dtype=dtype)
    model.train()
    x, t = make_images(seed + 100, shape, dtype=dtype)
    g = torch.Generator().manual_seed(seed + 200)
    # a current attack partly outside the ball, as after a step that the projection cut back
    x_adv = (x + (torch.rand(shape, generator=g, dtype=torch.float64) * 3 - 1.5).to(dtype) * eps).clamp(0, 1)
    before, params = (x.clone(), x_adv.clone()), snapshot(model)
    x_next = pgd_step(model, x_adv, x, t, eps, alpha)
    result.append({"x_next": x_next.detach().clone() if isinstance(x_next, torch.Tensor) else x_next,
                   "grad": isinstance(x_next, torch.Tensor) and x_next.requires_grad,
                   "x same": torch.equal(x, before[0]) and torch.equal(x_adv, before[1]),
                   "params same": all(torch.equal(a, b) for a, b in zip(params, model.parameters()))})
'''


def ref_pgd_step(model, x_adv, x, t, eps, alpha):
    grad = _input_gradient(model, x_adv, t)
    stepped = x_adv + alpha * grad.sign()
    return (x + (stepped - x).clamp(-eps, eps)).clamp(0, 1), grad


def test_q3_matches_the_reference(env):
    """Current attacks partly outside the eps-ball, steps smaller and larger than eps, dropout
    models in training mode, float32 and float64: the projection is onto the ball around x."""
    import torch

    found = probe(env, f"CASES = {STEP_CASES!r}\n" + PROBE_Q3)
    here = _here(MODELS)
    for (seed, shape, eps, alpha, dropout, dtype), got in zip(STEP_CASES, found):
        dtype = getattr(torch, dtype)
        model = here["make_model"](seed, dropout=dropout, dtype=dtype)
        x, t = here["make_images"](seed + 100, shape, dtype=dtype)
        g = torch.Generator().manual_seed(seed + 200)
        x_adv = (x + (torch.rand(shape, generator=g, dtype=torch.float64) * 3 - 1.5).to(dtype) * eps).clamp(0, 1)
        want, grad = ref_pgd_step(model, x_adv, x, t, eps, alpha)
        what = f"images {shape}, eps = {eps}, alpha = {alpha}"
        _same_attack(got["x_next"], want, grad, what)
        _unchanged(got, what)


# ---------------------------------------------------------------------------- q4


def _rank_grads(rng, R, shapes, dtype):
    import torch

    return [[torch.tensor(rng.normal(size=s) * 3, dtype=dtype) for s in shapes] for _ in range(R)]


def test_q4_matches_the_mean_over_ranks(env):
    """R from 1 to 5, parameters of several shapes (a scalar among them), float32 and float64:
    the element-wise mean, one tensor per parameter, inputs unchanged."""
    import torch

    rng = env.rng("q4-values")
    for case, R in enumerate((1, 2, 3, 5, 4)):
        shapes = [(3,), (2, 4), (), (1, 2, 3)][: 1 + case % 4]
        dtype = torch.float32 if case % 2 else torch.float64
        grads = _rank_grads(rng, R, shapes, dtype)
        before = [[g.clone() for g in rank] for rank in grads]
        mean = env["allreduce_mean"](grads)
        assert len(mean) == len(shapes), f"R = {R}: {len(mean)} tensors for {len(shapes)} parameters"
        for k, (got, shape) in enumerate(zip(mean, shapes)):
            want = sum(rank[k].double() for rank in before) / R
            got = torch.as_tensor(got)
            assert tuple(got.shape) == shape, f"R = {R}, parameter {k}: shape {tuple(got.shape)}, expected {shape}"
            assert torch.allclose(got.double(), want, rtol=1e-5, atol=1e-6), (
                f"R = {R}, parameter {k}: {got.flatten()[:3].tolist()}, expected {want.flatten()[:3].tolist()}")
        for rank, rank_before in zip(grads, before):
            assert all(torch.equal(a, b) for a, b in zip(rank, rank_before)), "the input gradients were modified"


PROBE_Q4 = '''
grads = [[torch.full((3,), 1.0 + r, dtype=torch.float64), torch.full((2, 2), -r, dtype=torch.float64)]
         for r in range(R)]
before = [[g.clone() for g in rank] for rank in grads]
mean = allreduce_mean(grads)
for g in mean:
    g.add_(100.0)  # an optimiser updates the averaged gradient buffers in place
result = all(torch.equal(a, b) for rank, old in zip(grads, before) for a, b in zip(rank, old))
'''


def test_q4_result_is_new_tensors(env):
    """Changing the returned tensors in place, for R = 1 and R = 2, changes no rank's gradients."""
    for R in (1, 2):
        assert probe(env, f"R = {R}\n" + PROBE_Q4), (
            f"R = {R}: changing the result changed a rank's gradient; return new tensors")


# ---------------------------------------------------------------------------- q5

SHARD_CASES = [(41, 12, 4, True), (42, 12, 3, False), (43, 10, 1, True), (44, 12, 6, False), (45, 8, 2, True)]

PROBE_Q5 = '''
result = []
for seed, N, R, training in CASES:
    model = make_model(seed)
    model.train(training)
    base, t = make_images(seed + 100, (N, 1, 6, 5))
    x = base.transpose(2, 3).contiguous().transpose(2, 3)  # the same values, another layout
    params = snapshot(model)
    grads = rank_gradients(model, x, t, R)
    copies = [[g.detach().clone() for g in rank] for rank in grads]
    model.zero_grad()
    model(x).sum().backward()  # the model is used again: the returned gradients must not change
    for p in model.parameters():
        p.grad.mul_(3.0)
    result.append({"grads": copies,
                   "kept": all(torch.equal(a, b) for rank, old in zip(grads, copies) for a, b in zip(rank, old)),
                   "attached": any(g.requires_grad for rank in grads for g in rank),
                   "mode": model.training == training,
                   "params same": all(torch.equal(a, b) for a, b in zip(params, model.parameters()))})
'''


def test_q5_matches_each_shard(env):
    """R from 1 to 6 on float64 conv nets in training and evaluation mode: each rank's
    gradients are those of the mean loss on its contiguous shard; model and mode unchanged."""
    import torch
    import torch.nn.functional as F

    found = probe(env, f"CASES = {SHARD_CASES!r}\n" + PROBE_Q5)
    here = _here(MODELS)
    for (seed, N, R, _training), got in zip(SHARD_CASES, found):
        model = here["make_model"](seed)
        x, t = here["make_images"](seed + 100, (N, 1, 6, 5))
        what = f"N = {N}, R = {R}"
        assert len(got["grads"]) == R, f"{what}: {len(got['grads'])} lists, one per rank expected"
        size = N // R
        for r, rank in enumerate(got["grads"]):
            shard = slice(r * size, (r + 1) * size)
            want = torch.autograd.grad(F.cross_entropy(model(x[shard]), t[shard]), list(model.parameters()))
            assert len(rank) == len(want), f"{what}, rank {r}: {len(rank)} gradients for {len(want)} parameters"
            for k, (g, w) in enumerate(zip(rank, want)):
                g = torch.as_tensor(g)
                assert tuple(g.shape) == tuple(w.shape), f"{what}, rank {r}, parameter {k}: shape {tuple(g.shape)}"
                assert torch.allclose(g.double(), w, rtol=1e-9, atol=1e-12), (
                    f"{what}, rank {r}, parameter {k}: {g.flatten()[:3].tolist()}, expected {w.flatten()[:3].tolist()}")
        assert got["kept"], f"{what}: the returned gradients changed when the model was used again; copy them"
        assert not got["attached"], f"{what}: return detached tensors"
        assert got["mode"], f"{what}: leave the model in the mode it was in"
        assert got["params same"], f"{what}: the model's parameters were changed"


# ---------------------------------------------------------------------------- q6

BATCH_CASES = [  # seed, shape, eps (None: the default), dtype
    (61, (5, 1, 6, 7), None, "float64"),
    (62, (3, 1, 4, 4), 0.3, "float64"),
    (63, (6, 1, 7, 5), 0.1, "float32"),
    (64, (2, 1, 5, 5), 0.02, "float64"),
]

PROBE_Q6 = '''
result = []
for seed, shape, eps, dtype in CASES:
    dtype = getattr(torch, dtype)
    model = make_model(seed, dropout=True, dtype=dtype)
    model.train()
    x, t = make_images(seed + 100, shape, dtype=dtype)
    x_before, params = x.clone(), snapshot(model)
    g = torch.Generator().manual_seed(seed + 300)
    if eps is None:
        x_adv = adversarial_batch(model, x, t, g)
    else:
        x_adv = adversarial_batch(model, x, t, g, eps=eps)
    result.append({"x_adv": x_adv.detach().clone() if isinstance(x_adv, torch.Tensor) else x_adv,
                   "next draw": torch.rand(3, generator=g),
                   "grad": isinstance(x_adv, torch.Tensor) and x_adv.requires_grad,
                   "x same": torch.equal(x, x_before),
                   "params same": all(torch.equal(a, b) for a, b in zip(params, model.parameters()))})
'''


def test_q6_matches_the_recipe(env):
    """Dropout models handed over in training mode, float32 and float64, the default eps and
    three others: the same random start (drawn from the given generator, once), the same step
    and projection, pixel for pixel; the generator left where one draw leaves it."""
    import torch

    found = probe(env, f"CASES = {BATCH_CASES!r}\n" + PROBE_Q6)
    here = _here(MODELS, TRUSTED_BATCH)
    for (seed, shape, eps, dtype), got in zip(BATCH_CASES, found):
        dtype = getattr(torch, dtype)
        model = here["make_model"](seed, dropout=True, dtype=dtype)
        x, t = here["make_images"](seed + 100, shape, dtype=dtype)
        g = torch.Generator().manual_seed(seed + 300)
        want = here["trusted_adversarial_batch"](model, x, t, g, eps=0.1 if eps is None else eps)
        g_start = torch.Generator().manual_seed(seed + 300)
        start = (torch.rand(shape, generator=g_start, dtype=dtype) * 2 - 1) * (0.1 if eps is None else eps)
        grad = _input_gradient(model, (x + start).clamp(0, 1), t)
        what = f"images {shape}, eps = {'default' if eps is None else eps} ({dtype})"
        _same_attack(got["x_adv"], want, grad, what)
        _unchanged(got, what)
        assert torch.equal(got["next draw"], torch.rand(3, generator=g)), (
            f"{what}: draw the start with exactly one torch.rand(x.shape, generator=generator, dtype=x.dtype)")


# ---------------------------------------------------------------------------- q7

# train_robust_cnn runs with the grader's adversarial_batch in place of the student's, so that
# a mistake in q6 costs points once; the student's function is put back afterwards.
PROBE_Q7 = TRUSTED_BATCH + '''
namespace = globals()
had, theirs = "adversarial_batch" in namespace, namespace.get("adversarial_batch")
namespace["adversarial_batch"] = trusted_adversarial_batch
try:
    result = []
    for seed, kwargs in RUNS:
        model = train_robust_cnn(seed=seed, **kwargs)
        result.append({"training": bool(model.training),
                       "state": {k: v.detach().clone() for k, v in model.state_dict().items()}})
finally:
    if had:
        namespace["adversarial_batch"] = theirs
    else:
        del namespace["adversarial_batch"]
'''

_DIGITS = {}


def _test_digits():
    import torch

    if not _DIGITS:
        from utils.data import load_mnist

        digits = load_mnist(test_size=0.2, seed=0)
        _DIGITS["X"] = torch.from_numpy(digits.X_test).reshape(-1, 1, 28, 28).float()
        _DIGITS["t"] = torch.from_numpy(digits.y_test)
    return _DIGITS["X"], _DIGITS["t"]


def _grader_copy(state, what):
    """The student's weights in the grader's own small_cnn (its forward pass, its gradients)."""
    import torch

    model = _here(SMALL_CNN)["grader_small_cnn"]()
    try:
        model.load_state_dict({k: torch.as_tensor(v).float() for k, v in state.items()})
    except (RuntimeError, KeyError) as error:
        raise AssertionError(f"{what}: return a small_cnn(seed) (its weights did not fit: {str(error)[:200]})") from None
    return model.eval()


def ref_robust_accuracy(model, X, t, eps=0.1, alpha=0.025, steps=10, seed=0):
    import torch
    import torch.nn.functional as F

    generator = torch.Generator().manual_seed(seed)
    x_adv = (X + (torch.rand(X.shape, generator=generator) * 2 - 1) * eps).clamp(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), t), x_adv)
        x_adv = (X + (x_adv + alpha * grad.sign() - X).clamp(-eps, eps)).clamp(0, 1).detach()
    with torch.no_grad():
        return (model(x_adv).argmax(dim=1) == t).float().mean().item()


def _runs(env, runs):
    return probe(env, f"RUNS = {runs!r}\n" + PROBE_Q7)


def test_q7_same_seed_same_model_and_evaluation_mode(env):
    """One short epoch three times (seeds 4, 4, 5): the same seed gives the same weights,
    another seed others, and the model comes back in evaluation mode."""
    import torch

    small = {"epochs": 1, "n_train": 128}
    found = _runs(env, [(4, small), (4, small), (5, small)])
    assert all(not run["training"] for run in found), "return the model in evaluation mode (model.eval())"
    one, again, other = (run["state"] for run in found)
    assert one.keys() == again.keys() == other.keys(), "the same architecture every time"
    assert all(torch.equal(torch.as_tensor(one[k]), torch.as_tensor(again[k])) for k in one), (
        "the same seed must give the same model: seed PyTorch and every generator you use")
    assert not all(torch.equal(torch.as_tensor(one[k]), torch.as_tensor(other[k])) for k in one), (
        "seeds 4 and 5 gave the same model: is the seed used?")


def test_q7_other_seed_meets_the_target(env):
    """Seed 1 with the default epochs, judged in the grader's own small_cnn: clean accuracy at
    least 0.93 and accuracy under 10-step PGD at eps = 0.1 at least 0.80 on the test digits."""
    (run,) = _runs(env, [(1, {})])
    assert not run["training"], "return the model in evaluation mode (model.eval())"
    model = _grader_copy(run["state"], "seed 1")
    X, t = _test_digits()
    import torch

    with torch.no_grad():
        clean = (model(X).argmax(dim=1) == t).float().mean().item()
    robust = ref_robust_accuracy(model, X, t)
    assert clean >= 0.93, f"seed 1: clean accuracy {clean:.3f}, at least 0.93 needed"
    assert robust >= 0.80, f"seed 1: accuracy under PGD {robust:.3f}, at least 0.80 needed"
