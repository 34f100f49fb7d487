"""Hidden checks of Lab 6 (autoencoders and GANs): run by the grader, outside the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
and decides here. Values cross as tensors without their autograd graph, so the checks of
gradients (and q6's training steps, which need the models) run a short probe inside the
submission's process: trusted code, written here, that calls the student's function on inputs
it draws from a seed and leaves plain numbers behind. The grader repeats the same computation
with its own references, in its own process, and compares.
"""

# ruff: noqa: E501
import hashlib
import math

import numpy as np

# ---------------------------------------------------------------------------- references


def _t(array, dtype="float64"):
    import torch

    return torch.tensor(np.asarray(array), dtype=getattr(torch, dtype))


def ref_kl(mu, logvar):
    """KL(N(mu, diag exp(logvar)) || N(0, I)) per row, from torch.distributions."""
    import torch
    from torch.distributions import Normal, kl_divergence

    mu, logvar = torch.as_tensor(mu).double(), torch.as_tensor(logvar).double()
    q = Normal(mu, torch.exp(0.5 * logvar))
    return kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(dim=-1)


def ref_vae_loss(x, logits, kl, beta=1.0):
    import torch
    import torch.nn.functional as F

    x, logits, kl = (torch.as_tensor(a).double() for a in (x, logits, kl))
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(dim=1)
    return (bce + beta * kl).mean()


def ref_discriminator_loss(real_logits, fake_logits):
    """BCE with label 1 on the real logits and label 0 on the fake ones, each averaged."""
    import torch
    import torch.nn.functional as F

    real, fake = torch.as_tensor(real_logits).double(), torch.as_tensor(fake_logits).double()
    return F.binary_cross_entropy_with_logits(real, torch.ones_like(real)) + \
        F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


def ref_generator_loss(fake_logits):
    import torch
    import torch.nn.functional as F

    fake = torch.as_tensor(fake_logits).double()
    return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


def _close(got, want, what, rtol=1e-9, atol=1e-10):
    import torch

    got = torch.as_tensor(got).double()
    want = want.double() if isinstance(want, torch.Tensor) else torch.as_tensor(np.asarray(want, dtype=float))
    assert tuple(got.shape) == tuple(want.shape), f"{what}: shape {tuple(got.shape)}, expected {tuple(want.shape)}"
    assert torch.isfinite(got).all(), f"{what}: non-finite values {got.flatten()[:4].tolist()}"
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=atol, err_msg=what)


def _scalar(value, what):
    import torch

    assert isinstance(value, torch.Tensor), f"{what}: return a tensor, not {type(value).__name__}"
    assert value.dim() == 0, f"{what}: return a scalar (0-d) tensor, not shape {tuple(value.shape)}"
    return value


def _unchanged(before, after, what):
    import torch

    for key in before:
        assert torch.equal(before[key], after[key]), f"{what}: the input {key} was modified"


# ---------------------------------------------------------------------------- probes


def probe(env, body: str):
    """Run ``body`` in the submission, inside a function of its own (so that the notebook's
    names are left alone) with its own import of torch; ``body`` sets ``result`` to plain
    values, which come back here."""
    name = f"_lab06_probe_{hashlib.sha256(body.encode()).hexdigest()[:12]}"
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
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


# ---------------------------------------------------------------------------- q1


def test_q1_matches_the_formula(env):
    """Random (N, J) in float32 and float64: z = mu + exp(logvar / 2) * eps, inputs unchanged."""
    import torch

    rng = env.rng("q1-values")
    for case in range(8):
        N, J = (int(n) for n in rng.integers(1, 7, size=2))
        dtype = "float32" if case % 2 else "float64"
        mu, logvar, eps = (_t(rng.normal(size=(N, J)) * 2, dtype) for _ in range(3))
        before = {"mu": mu.clone(), "logvar": logvar.clone(), "eps": eps.clone()}
        z = env["reparameterise"](mu, logvar, eps)
        assert isinstance(z, torch.Tensor), f"return a tensor, not {type(z).__name__}"
        _close(z, mu.double() + torch.exp(0.5 * logvar.double()) * eps.double(),
               f"z for N = {N}, J = {J} ({dtype})", rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)
        _unchanged(before, {"mu": mu, "logvar": logvar, "eps": eps}, "reparameterise")


def test_q1_uses_the_given_noise(env):
    """eps = 0 gives mu itself; doubling eps doubles z - mu; a very small and a large variance."""
    import torch

    rng = env.rng("q1-noise")
    mu, logvar = _t(rng.normal(size=(4, 3))), _t(rng.normal(size=(4, 3)))
    _close(env["reparameterise"](mu, logvar, torch.zeros(4, 3, dtype=torch.float64)), mu, "eps = 0")
    eps = _t(rng.normal(size=(4, 3)))
    one, two = env["reparameterise"](mu, logvar, eps), env["reparameterise"](mu, logvar, 2 * eps)
    _close(two - mu, 2 * (one - mu), "z - mu with 2 eps")
    logvar = _t([[-30.0, 0.0, 30.0]])
    _close(env["reparameterise"](_t([[1.0, 1.0, 1.0]]), logvar, _t([[1.0, 1.0, 1.0]])),
           1 + torch.exp(0.5 * logvar), "logvar of -30, 0 and 30", rtol=1e-9)


PROBE_Q1 = '''
g = torch.Generator().manual_seed(61)
mu = torch.randn(5, 3, generator=g, dtype=torch.float64, requires_grad=True)
logvar = torch.randn(5, 3, generator=g, dtype=torch.float64, requires_grad=True)
eps = torch.randn(5, 3, generator=g, dtype=torch.float64)
w = torch.randn(5, 3, generator=g, dtype=torch.float64)
z = reparameterise(mu, logvar, eps)
has_graph = isinstance(z, torch.Tensor) and z.requires_grad
if has_graph:
    (z * w).sum().backward()
result = {"graph": has_graph,
          "mu": None if mu.grad is None else mu.grad.detach(),
          "logvar": None if logvar.grad is None else logvar.grad.detach()}
'''


def test_q1_gradients_reach_mu_and_logvar(env):
    """d(w . z)/dmu = w and d(w . z)/dlogvar = w * sigma * eps / 2, by autograd in the submission."""
    import torch

    found = probe(env, PROBE_Q1)
    assert found["graph"], "z carries no gradient: build it from mu and logvar with torch operations"
    g = torch.Generator().manual_seed(61)
    mu, logvar, eps, w = (torch.randn(5, 3, generator=g, dtype=torch.float64) for _ in range(4))
    assert found["mu"] is not None, "no gradient reached mu"
    assert found["logvar"] is not None, "no gradient reached logvar"
    _close(found["mu"], w, "dz/dmu")
    _close(found["logvar"], w * 0.5 * torch.exp(0.5 * logvar) * eps, "dz/dlogvar")


# ---------------------------------------------------------------------------- q2


def test_q2_matches_torch_distributions(env):
    """Random (N, J), wide variances, against torch.distributions.kl_divergence summed over J."""
    import torch

    rng = env.rng("q2-values")
    for _ in range(10):
        N, J = (int(n) for n in rng.integers(1, 8, size=2))
        mu, logvar = _t(rng.normal(size=(N, J)) * 2), _t(rng.normal(size=(N, J)) * 3)
        before = {"mu": mu.clone(), "logvar": logvar.clone()}
        kl = env["gaussian_kl"](mu, logvar)
        assert isinstance(kl, torch.Tensor), f"return a tensor, not {type(kl).__name__}"
        _close(kl, ref_kl(mu, logvar), f"KL for N = {N}, J = {J}", rtol=1e-9, atol=1e-9)
        _unchanged(before, {"mu": mu, "logvar": logvar}, "gaussian_kl")


def test_q2_single_example_and_single_coordinate(env):
    """N = 1 keeps its axis; J = 1 is the 1-D formula; float32 input works."""
    import torch

    kl = env["gaussian_kl"](_t([[0.5]], "float32"), _t([[math.log(0.25)]], "float32"))
    _close(kl, [0.5 * (0.25 + 0.25 - math.log(0.25) - 1)], "mu = 0.5, sigma^2 = 0.25", rtol=1e-5, atol=1e-6)
    mu, logvar = torch.zeros(3, 4, dtype=torch.float64), torch.zeros(3, 4, dtype=torch.float64)
    mu[1, 2], logvar[2, 0] = 1.0, 1.0
    _close(env["gaussian_kl"](mu, logvar), [0.0, 0.5, 0.5 * (math.e - 2)], "one coordinate off the prior per row")


PROBE_Q2 = '''
g = torch.Generator().manual_seed(62)
mu = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
logvar = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, generator=g, dtype=torch.float64)
kl = gaussian_kl(mu, logvar)
has_graph = isinstance(kl, torch.Tensor) and kl.requires_grad and tuple(kl.shape) == (4,)
if has_graph:
    (kl * w).sum().backward()
result = {"graph": has_graph,
          "mu": None if mu.grad is None else mu.grad.detach(),
          "logvar": None if logvar.grad is None else logvar.grad.detach()}
'''


def test_q2_gradients(env):
    """dKL/dmu = mu and dKL/dlogvar = (exp(logvar) - 1) / 2, by autograd in the submission."""
    import torch

    found = probe(env, PROBE_Q2)
    assert found["graph"], "the KL must be a (N,) tensor computed with torch operations (gradients flow)"
    g = torch.Generator().manual_seed(62)
    mu, logvar, w = (torch.randn(*s, generator=g, dtype=torch.float64) for s in ((4, 3), (4, 3), (4,)))
    _close(found["mu"], w[:, None] * mu, "dKL/dmu")
    _close(found["logvar"], w[:, None] * 0.5 * (torch.exp(logvar) - 1), "dKL/dlogvar")


# ---------------------------------------------------------------------------- q3


def _vae_case(rng, shape):
    x = _t((rng.random(shape) < 0.4).astype(float))
    return x, _t(rng.normal(size=shape) * 3), _t(rng.exponential(2.0, size=shape[0]))


def test_q3_matches_the_reference(env):
    """Images (N, 1, h, w) and flat (N, D), random beta: against BCE-with-logits + beta * KL."""
    rng = env.rng("q3-values")
    for case in range(8):
        N = int(rng.integers(1, 6))
        shape = (N, 1, int(rng.integers(2, 5)), int(rng.integers(2, 5))) if case % 2 else (N, int(rng.integers(3, 12)))
        x, logits, kl = _vae_case(rng, shape)
        beta = float(rng.uniform(0.1, 4.0))
        before = {"x": x.clone(), "logits": logits.clone(), "kl": kl.clone()}
        loss = _scalar(env["vae_loss"](x, logits, kl, beta=beta), "vae_loss")
        _close(loss, ref_vae_loss(x, logits, kl, beta), f"x of shape {shape}, beta = {beta:.2f}")
        _unchanged(before, {"x": x, "logits": logits, "kl": kl}, "vae_loss")


def test_q3_default_beta_grey_pixels_and_extreme_logits(env):
    """beta defaults to 1; pixel values between 0 and 1; logits of +-100 stay finite and right."""
    rng = env.rng("q3-edge")
    x, logits, kl = _t(rng.random((3, 5))), _t(rng.normal(size=(3, 5))), _t(rng.exponential(size=3))
    _close(_scalar(env["vae_loss"](x, logits, kl), "vae_loss"), ref_vae_loss(x, logits, kl, 1.0),
           "grey pixels, default beta")
    x, logits = _t([[1.0, 0.0, 1.0, 0.0]]), _t([[-100.0, 100.0, 100.0, -100.0]])
    _close(_scalar(env["vae_loss"](x, logits, _t([0.5])), "vae_loss"), 200.5, "logits of +-100", rtol=1e-9)


PROBE_Q3 = '''
g = torch.Generator().manual_seed(63)
x = (torch.rand(3, 1, 2, 3, generator=g) < 0.5).double()
logits = torch.randn(3, 1, 2, 3, generator=g, dtype=torch.float64, requires_grad=True)
kl = torch.rand(3, generator=g, dtype=torch.float64).requires_grad_()
loss = vae_loss(x, logits, kl, beta=0.7)
has_graph = isinstance(loss, torch.Tensor) and loss.requires_grad and loss.dim() == 0
if has_graph:
    loss.backward()
result = {"graph": has_graph, "logits": None if logits.grad is None else logits.grad.detach(),
          "kl": None if kl.grad is None else kl.grad.detach()}
'''


def test_q3_gradients(env):
    """dL/dlogits = (sigmoid(logits) - x) / N and dL/dkl = beta / N, by autograd in the submission."""
    import torch

    found = probe(env, PROBE_Q3)
    assert found["graph"], "the loss must be a scalar tensor computed with torch operations"
    g = torch.Generator().manual_seed(63)
    x = (torch.rand(3, 1, 2, 3, generator=g) < 0.5).double()
    logits = torch.randn(3, 1, 2, 3, generator=g, dtype=torch.float64)
    for name in ("logits", "kl"):
        assert found[name] is not None, f"no gradient reached {name}"
    _close(found["logits"], (torch.sigmoid(logits) - x) / 3, "dL/dlogits")
    _close(found["kl"], torch.full((3,), 0.7 / 3, dtype=torch.float64), "dL/dkl")


# ---------------------------------------------------------------------------- q4


def test_q4_matches_the_reference(env):
    """Random logits, real and generated batches of different sizes, (N, 1) and (N,) shapes."""
    rng = env.rng("q4-values")
    for case in range(10):
        N_r, N_f = (int(n) for n in rng.integers(1, 9, size=2))
        real, fake = rng.normal(size=N_r) * 3, rng.normal(size=N_f) * 3
        if case % 2:
            real, fake = real[:, None], fake[:, None]
        real, fake = _t(real), _t(fake)
        before = {"real": real.clone(), "fake": fake.clone()}
        loss = _scalar(env["discriminator_loss"](real, fake), "discriminator_loss")
        _close(loss, ref_discriminator_loss(real, fake), f"{N_r} real and {N_f} generated logits")
        _unchanged(before, {"real": real, "fake": fake}, "discriminator_loss")


def test_q4_extreme_logits(env):
    """Logits of +-200 (and float32): confident right answers cost 0, confident wrong ones |d|."""
    cases = [([200.0], [-200.0], 0.0), ([-200.0], [200.0], 400.0), ([200.0, -200.0], [0.0], 100.0 + math.log(2))]
    for real, fake, want in cases:
        for dtype in ("float64", "float32"):
            loss = _scalar(env["discriminator_loss"](_t(real, dtype), _t(fake, dtype)), "discriminator_loss")
            _close(loss, want, f"real {real}, generated {fake} ({dtype})", rtol=1e-6, atol=1e-6)


PROBE_Q4 = '''
g = torch.Generator().manual_seed(64)
real = torch.randn(5, 1, generator=g, dtype=torch.float64, requires_grad=True)
fake = torch.randn(3, 1, generator=g, dtype=torch.float64, requires_grad=True)
loss = discriminator_loss(real, fake)
has_graph = isinstance(loss, torch.Tensor) and loss.requires_grad and loss.dim() == 0
if has_graph:
    loss.backward()
result = {"graph": has_graph, "real": None if real.grad is None else real.grad.detach(),
          "fake": None if fake.grad is None else fake.grad.detach()}
'''


def test_q4_gradients(env):
    """dL/dreal = -sigmoid(-d) / N_r and dL/dfake = sigmoid(d) / N_f, by autograd in the submission."""
    import torch

    found = probe(env, PROBE_Q4)
    assert found["graph"], "the loss must be a scalar tensor computed with torch operations"
    g = torch.Generator().manual_seed(64)
    real, fake = torch.randn(5, 1, generator=g, dtype=torch.float64), torch.randn(3, 1, generator=g, dtype=torch.float64)
    assert found["real"] is not None and found["fake"] is not None, "no gradient reached the logits"
    _close(found["real"], -torch.sigmoid(-real) / 5, "dL/d(real logits)")
    _close(found["fake"], torch.sigmoid(fake) / 3, "dL/d(generated logits)")


# ---------------------------------------------------------------------------- q5


def test_q5_matches_the_reference(env):
    """Random logits of (N, 1) and (N,) shapes against BCE with label 1."""
    rng = env.rng("q5-values")
    for case in range(8):
        fake = rng.normal(size=int(rng.integers(1, 9))) * 3
        fake = _t(fake[:, None] if case % 2 else fake)
        before = {"fake": fake.clone()}
        loss = _scalar(env["generator_loss"](fake), "generator_loss")
        _close(loss, ref_generator_loss(fake), f"{len(fake)} generated logits")
        _unchanged(before, {"fake": fake}, "generator_loss")


def test_q5_extreme_logits(env):
    """Rejected fakes (d = -200) cost 200, accepted ones (d = 200) cost 0: finite in float32 too."""
    for fake, want in (([-200.0], 200.0), ([200.0], 0.0), ([-200.0, 200.0], 100.0)):
        for dtype in ("float64", "float32"):
            _close(_scalar(env["generator_loss"](_t(fake, dtype)), "generator_loss"), want,
                   f"generated logits {fake} ({dtype})", rtol=1e-6, atol=1e-6)


PROBE_Q5 = '''
g = torch.Generator().manual_seed(65)
fake = (torch.randn(6, generator=g, dtype=torch.float64) * 4).requires_grad_()
loss = generator_loss(fake)
has_graph = isinstance(loss, torch.Tensor) and loss.requires_grad and loss.dim() == 0
if has_graph:
    loss.backward()
result = {"graph": has_graph, "fake": None if fake.grad is None else fake.grad.detach()}
'''


def test_q5_gradient_is_non_saturating(env):
    """dL/dd = -(1 - sigmoid(d)) / N: largest where the discriminator rejects the fakes."""
    import torch

    found = probe(env, PROBE_Q5)
    assert found["graph"], "the loss must be a scalar tensor computed with torch operations"
    g = torch.Generator().manual_seed(65)
    fake = torch.randn(6, generator=g, dtype=torch.float64) * 4
    assert found["fake"] is not None, "no gradient reached the logits"
    _close(found["fake"], -(1 - torch.sigmoid(fake)) / 6, "dL/d(generated logits)")


# ---------------------------------------------------------------------------- q6

# Run by both sides: in the submission with the student's gan_step, here
# with the reference step. Plain SGD, so that the size of every gradient shows in the weights.
GAN_RUN = '''
def run_gan_steps(step, seed, noise, width, out, steps, n_real, n_fake, lr_G, lr_D, momentum):
    torch.manual_seed(seed)
    G = torch.nn.Sequential(torch.nn.Linear(noise, width), torch.nn.Tanh(), torch.nn.Linear(width, out))
    D = torch.nn.Sequential(torch.nn.Linear(out, width), torch.nn.Tanh(), torch.nn.Linear(width, 1))
    G, D = G.double(), D.double()
    opt_G = torch.optim.SGD(G.parameters(), lr=lr_G, momentum=momentum)
    opt_D = torch.optim.SGD(D.parameters(), lr=lr_D, momentum=momentum)
    g = torch.Generator().manual_seed(seed + 1)
    losses, states = [], []
    for _ in range(steps):
        real = torch.randn(n_real, out, generator=g, dtype=torch.float64) * 0.3 + 1.5
        z = torch.randn(n_fake, noise, generator=g, dtype=torch.float64)
        losses.append(step(G, D, opt_G, opt_D, real, z))
        states.append([p.detach().clone() for p in list(G.parameters()) + list(D.parameters())])
    return {"losses": losses, "states": states}
'''


def reference_gan_step(G, D, opt_G, opt_D, real, z):
    import torch.nn.functional as F

    fake = G(z)
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    g_loss = F.softplus(-D(fake)).mean()
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()


def _reference_run(**config):
    import torch

    namespace = {"torch": torch}
    exec(GAN_RUN, namespace)
    return namespace["run_gan_steps"](reference_gan_step, **config)


def _compare_runs(env, **config):
    body = GAN_RUN + f"\nresult = run_gan_steps(gan_step, **{config!r})\n"
    got = probe(env, body)
    want = _reference_run(**config)
    for k, (losses, ref) in enumerate(zip(got["losses"], want["losses"])):
        assert isinstance(losses, (tuple, list)) and len(losses) == 2, f"return (d_loss, g_loss), got {losses!r}"
        for name, value, expected in zip(("d_loss", "g_loss"), losses, ref):
            assert isinstance(value, float), f"return Python floats: {name} is a {type(value).__name__}"
            assert abs(value - expected) < 1e-9, f"step {k + 1}: {name} {value:.6f}, expected {expected:.6f}"
        n_G = 4  # two layers of G, weight and bias each, come first
        for i, (p, q) in enumerate(zip(got["states"][k], want["states"][k])):
            who = "G" if i < n_G else "D"
            _close(p, q, f"after step {k + 1}: {who}'s parameter {i % n_G}", rtol=1e-8, atol=1e-10)


def test_q6_three_steps_match_the_reference(env):
    """Three steps in a row, plain SGD: losses and every parameter of G and D after each step."""
    _compare_runs(env, seed=3, noise=2, width=8, out=2, steps=3, n_real=16, n_fake=16,
                  lr_G=0.5, lr_D=0.5, momentum=0.0)


def test_q6_other_sizes_and_momentum(env):
    """Noise of width 5, 3-D examples, batches of different sizes, SGD with momentum."""
    _compare_runs(env, seed=8, noise=5, width=6, out=3, steps=3, n_real=10, n_fake=7,
                  lr_G=0.3, lr_D=0.2, momentum=0.9)


# ---------------------------------------------------------------------------- q7


def _coverage(G, seed=11, n=2000):
    import torch

    import utils.generative as generative

    z = torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        samples = torch.as_tensor(G(z))
    assert tuple(samples.shape) == (n, 2), f"G(z) of shape {tuple(samples.shape)}, expected ({n}, 2)"
    return generative.mode_coverage(samples.double().numpy(), modes=8, radius=2.0, std=0.05)


def test_q7_other_seed_covers_every_mode(env):
    """Seed 1, default steps: all 8 modes covered and at least 50 % good samples, eval mode."""
    G = env["train_ring_gan"](seed=1)
    assert G.is_a("torch.nn.modules.module.Module"), "return the generator, an nn.Module"
    assert G.attr("training") is False, "return the generator in evaluation mode (G.eval())"
    coverage = _coverage(G)
    assert coverage.covered == 8, f"seed 1: {coverage.covered} of 8 modes covered (samples per mode {list(coverage.counts)})"
    assert coverage.high_quality >= 0.5, f"seed 1: only {coverage.high_quality:.0%} good samples, at least 50 % needed"


def test_q7_same_seed_same_generator(env):
    """Training twice with one seed (a few steps, to be quick) gives the same G; seeds differ."""
    import torch

    probe_z = torch.randn(5, 2, generator=torch.Generator().manual_seed(3))
    outputs = []
    for seed in (4, 4, 5):
        G = env["train_ring_gan"](seed=seed, steps=20)
        with torch.no_grad():
            outputs.append(torch.as_tensor(G(probe_z)))
    assert torch.allclose(outputs[0], outputs[1]), "the same seed must give the same generator"
    assert not torch.allclose(outputs[0], outputs[2]), "different seeds gave the same generator: is the seed used?"


def test_q7_rule_learned_against_a_discriminator(env):
    """The generator is trained (backward and an optimiser step), without the modes' positions,
    and the loop is written out here (q7 is graded on its own, not through q4 to q6)."""
    used = env.source.names_used("train_ring_gan")
    built_in = sorted(n for n in used if n.split(".")[-1] in {"ring_centres", "mode_coverage", "ring_coverage", "cos", "sin", "pi"})
    assert not built_in, f"do not build the ring into the generator (found {built_in})"
    others = sorted(n for n in used if n in {"gan_step", "discriminator_loss", "generator_loss"})
    assert not others, f"write the losses and the step out in q7 instead of calling {others}"
    assert any(n.endswith(".backward") for n in used), "train G by backpropagation (no .backward() found)"
    assert any(n.endswith(".step") for n in used), "update the weights with an optimiser (no .step() found)"
