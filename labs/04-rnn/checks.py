"""Hidden checks of Lab 4 (recurrent networks and LSTMs): run by the grader, outside the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
(plain values in, plain values out) and decides here. The references are PyTorch's own
``nn.RNN``, ``nn.LSTMCell``, ``clip_grad_norm_`` and cross-entropy, computed here.
"""

# ruff: noqa: E501
import math

import numpy as np

# ---------------------------------------------------------------------------- references


def torch_rnn(x, h0, params):
    """Every hidden state of nn.RNN (tanh, batch first) with the student's weights copied in."""
    import torch

    D, H = np.shape(params["W_xh"])
    rnn = torch.nn.RNN(D, H, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(np.asarray(params["W_xh"], dtype=float).T))
        rnn.weight_hh_l0.copy_(torch.tensor(np.asarray(params["W_hh"], dtype=float).T))
        rnn.bias_ih_l0.copy_(torch.tensor(np.asarray(params["b_h"], dtype=float)))
        rnn.bias_hh_l0.zero_()
        hs, _ = rnn(torch.tensor(np.asarray(x, dtype=float)),
                    torch.tensor(np.asarray(h0, dtype=float))[None])
    return hs.numpy()


def torch_lstm_steps(xs, h, c, params):
    """(h, c) after each step of nn.LSTMCell with the student's weights copied in."""
    import torch

    D, H4 = np.shape(params["W_x"])
    cell = torch.nn.LSTMCell(D, H4 // 4).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(np.asarray(params["W_x"], dtype=float).T))
        cell.weight_hh.copy_(torch.tensor(np.asarray(params["W_h"], dtype=float).T))
        cell.bias_ih.copy_(torch.tensor(np.asarray(params["b"], dtype=float)))
        cell.bias_hh.zero_()
        state = (torch.tensor(np.asarray(h, dtype=float)), torch.tensor(np.asarray(c, dtype=float)))
        out = []
        for x in xs:
            state = cell(torch.tensor(np.asarray(x, dtype=float)), state)
            out.append((state[0].numpy().copy(), state[1].numpy().copy()))
    return out


def torch_clip(grads, max_norm):
    """(clipped arrays, total norm) from torch.nn.utils.clip_grad_norm_ on copies."""
    import torch

    tensors = [torch.tensor(np.asarray(g, dtype=float)) for g in grads]
    for t in tensors:
        t.grad = t.clone()
    norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    return [t.grad.numpy() for t in tensors], float(norm)


def torch_perplexity(logits, targets):
    import torch
    import torch.nn.functional as F

    z = torch.tensor(np.asarray(logits, dtype=float))
    t = torch.tensor(np.asarray(targets, dtype=np.int64))
    return math.exp(float(F.cross_entropy(z.reshape(-1, z.shape[-1]), t.reshape(-1))))


def rnn_case(rng):
    N, S, D, H = (int(v) for v in rng.integers(1, 6, size=4))
    x = rng.normal(size=(N, S, D))
    h0 = rng.normal(size=(N, H))
    params = {"W_xh": rng.normal(size=(D, H)), "W_hh": rng.normal(size=(H, H)) / np.sqrt(H),
              "b_h": rng.normal(size=H)}
    return x, h0, params


def lstm_case(rng, N=None, D=None, H=None):
    N = int(rng.integers(1, 5)) if N is None else N
    D = int(rng.integers(1, 6)) if D is None else D
    H = int(rng.integers(1, 6)) if H is None else H
    params = {"W_x": rng.normal(size=(D, 4 * H)), "W_h": rng.normal(size=(H, 4 * H)),
              "b": rng.normal(size=4 * H)}
    return params, rng.normal(size=(N, H)), rng.normal(size=(N, H)), N, D


def _no_torch(env, *names):
    """The layers must be NumPy: no torch, whatever name it was imported under."""
    for name in names:
        used = {n for n in env.source.modules_used(name) if n == "torch" or n.startswith("torch.")}
        assert not used, f"{name} uses PyTorch ({sorted(used)[:3]}); write it in NumPy"


def _unchanged(before, after, what):
    for key in before:
        assert np.array_equal(before[key], after[key]), f"{what}: {key} was modified"


# ---------------------------------------------------------------------------- q1


def test_q1_rnn_forward_matches_nn_rnn(env):
    """Random batch sizes, lengths and widths, a non-zero h0, against nn.RNN's states."""
    rng = np.random.default_rng(41)
    for _ in range(20):
        x, h0, params = rnn_case(rng)
        hs = env["rnn_forward"](x, h0, params)
        expected = torch_rnn(x, h0, params)
        assert np.shape(hs) == expected.shape, (
            f"x {x.shape}, h0 {h0.shape}: hs of shape {np.shape(hs)}, expected (N, S, H) = {expected.shape}")
        np.testing.assert_allclose(hs, expected, rtol=1e-9, atol=1e-10,
                                   err_msg=f"x {x.shape}, h0 {h0.shape}: compared with nn.RNN")


def test_q1_rnn_step_matches_the_formula(env):
    """One step on random shapes, against tanh(x W_xh + h W_hh + b_h) (non-square W_hh's rows matter)."""
    rng = env.rng("q1-step")
    for _ in range(10):
        x, h0, params = rnn_case(rng)
        h = env["rnn_step"](x[:, 0], h0, params)
        expected = torch_rnn(x[:, :1], h0, params)[:, 0]
        np.testing.assert_allclose(h, expected, rtol=1e-9, atol=1e-10,
                                   err_msg=f"x {x[:, 0].shape}, h_prev {h0.shape}")


def test_q1_one_step_long_sequences_integers_and_no_mutation(env):
    """S = 1, S = 30, integer inputs; the inputs are left unchanged."""
    rng = env.rng("q1-edge")
    x, h0, params = rnn_case(rng)
    for S in (1, 30):
        xs = rng.integers(-2, 3, size=(2, S, x.shape[2]))
        h = rng.integers(-1, 2, size=(2, h0.shape[1]))
        before = {"x": xs.copy(), "h0": h.copy(), **{k: v.copy() for k, v in params.items()}}
        hs = env["rnn_forward"](xs, h, params)
        np.testing.assert_allclose(hs, torch_rnn(xs, h, params), rtol=1e-9, atol=1e-10,
                                   err_msg=f"integer inputs, S = {S}")
        _unchanged(before, {"x": xs, "h0": h, **params}, "rnn_forward")


def test_q1_rule_numpy_only(env):
    x, h0, params = rnn_case(np.random.default_rng(4))
    np.testing.assert_allclose(env["rnn_forward"](x, h0, params), torch_rnn(x, h0, params),
                               rtol=1e-9, atol=1e-10, err_msg="a rule counts only next to working code")
    _no_torch(env, "rnn_step", "rnn_forward")


# ---------------------------------------------------------------------------- q2


def test_q2_matches_clip_grad_norm_(env):
    """Random lists of arrays of several shapes, clipped to thresholds below and above their norm."""
    rng = np.random.default_rng(42)
    for _ in range(20):
        shapes = [tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 4))))
                  for _ in range(int(rng.integers(1, 5)))]
        grads = [rng.normal(size=s) * rng.uniform(0.1, 10) for s in shapes]
        norm = float(np.sqrt(sum((g ** 2).sum() for g in grads)))
        for max_norm in (norm * rng.uniform(0.05, 0.9), norm * rng.uniform(1.1, 3)):
            clipped, total = env["clip_grad_norm"](grads, max_norm)
            expected, expected_total = torch_clip(grads, max_norm)
            assert abs(total - expected_total) <= 1e-9 * expected_total, (
                f"total_norm {total}, expected {expected_total} (before clipping)")
            assert len(clipped) == len(grads), "one clipped array per gradient"
            for got, want in zip(clipped, expected):
                assert np.shape(got) == want.shape, f"shape {np.shape(got)}, expected {want.shape}"
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-12,
                                           err_msg=f"max_norm {max_norm:.3g}, norm {norm:.3g}")


def test_q2_direction_kept_inputs_unchanged_and_types(env):
    """The clipped gradient points the same way with norm max_norm; the inputs are not modified."""
    rng = env.rng("q2-direction")
    grads = [rng.normal(size=(3, 4)) * 100, rng.normal(size=5)]
    copies = [g.copy() for g in grads]
    clipped, total = env["clip_grad_norm"](grads, 2.5)
    assert type(total) is float, f"return total_norm as a Python float, got {type(total).__name__}"
    flat = np.concatenate([np.ravel(g) for g in clipped])
    original = np.concatenate([g.ravel() for g in copies])
    assert abs(np.linalg.norm(flat) - 2.5) < 1e-9, f"clipped norm {np.linalg.norm(flat)}, expected 2.5"
    np.testing.assert_allclose(flat / 2.5, original / np.linalg.norm(original), rtol=1e-9,
                               err_msg="clipping must keep the direction of the whole gradient")
    for g, c in zip(grads, copies):
        assert np.array_equal(g, c), "the arrays in grads were modified"


def test_q2_small_zero_and_integer_gradients(env):
    """Below the threshold and an all-zero gradient come back unchanged; integers work."""
    small = [np.array([0.3, -0.4]), np.array([[0.0]])]
    clipped, total = env["clip_grad_norm"](small, 1.0)
    assert abs(total - 0.5) < 1e-12
    np.testing.assert_allclose(clipped[0], [0.3, -0.4], err_msg="norm 0.5 < 1: unchanged")
    clipped, total = env["clip_grad_norm"]([np.zeros(3), np.zeros((2, 2))], 1.0)
    assert total == 0.0 and all(np.all(np.asarray(c) == 0) for c in clipped), "zeros stay zeros"
    assert all(np.all(np.isfinite(c)) for c in clipped), "no division by a zero norm"
    clipped, total = env["clip_grad_norm"]([np.array([6, 8])], 5)
    assert abs(total - 10.0) < 1e-12
    np.testing.assert_allclose(clipped[0], [3.0, 4.0], err_msg="integer gradients")
    clipped, _ = env["clip_grad_norm"]([np.array([3.0, 4.0])], 5.0)
    np.testing.assert_allclose(clipped[0], [3.0, 4.0], err_msg="a norm equal to max_norm stays")


def test_q2_rule_numpy_only(env):
    clipped, _ = env["clip_grad_norm"]([np.array([3.0, 4.0])], 1.0)
    np.testing.assert_allclose(clipped[0], [0.6, 0.8], err_msg="a rule counts only next to working code")
    _no_torch(env, "clip_grad_norm")


# ---------------------------------------------------------------------------- q3


def test_q3_matches_nn_lstmcell_over_several_steps(env):
    """Random shapes, five steps carried through the student's own (h, c), against nn.LSTMCell."""
    rng = np.random.default_rng(43)
    for _ in range(12):
        params, h, c, N, D = lstm_case(rng)
        xs = [rng.normal(size=(N, D)) for _ in range(5)]
        expected = torch_lstm_steps(xs, h, c, params)
        for step, (x, (h_ref, c_ref)) in enumerate(zip(xs, expected), start=1):
            h, c = env["lstm_cell"](x, h, c, params)
            assert np.shape(h) == h_ref.shape and np.shape(c) == c_ref.shape, (
                f"h {np.shape(h)} and c {np.shape(c)} must both have shape (N, H) = {h_ref.shape}")
            np.testing.assert_allclose(c, c_ref, rtol=1e-9, atol=1e-10, err_msg=f"c after step {step}")
            np.testing.assert_allclose(h, h_ref, rtol=1e-9, atol=1e-10, err_msg=f"h after step {step}")


def test_q3_each_gate_in_its_place(env):
    """Only one gate's bias is large at a time: each block of columns must play its own role."""
    rng = env.rng("q3-gates")
    for gate in range(4):
        params, h, c, N, D = lstm_case(rng, N=3, D=2, H=3)
        params["b"] = params["b"].copy()
        params["b"][gate * 3:(gate + 1) * 3] += 6.0
        x = rng.normal(size=(N, D))
        (h_ref, c_ref), = torch_lstm_steps([x], h, c, params)
        h_got, c_got = env["lstm_cell"](x, h, c, params)
        name = "ifgo"[gate]
        np.testing.assert_allclose(c_got, c_ref, rtol=1e-9, atol=1e-10, err_msg=f"c, large {name} bias")
        np.testing.assert_allclose(h_got, h_ref, rtol=1e-9, atol=1e-10, err_msg=f"h, large {name} bias")


def test_q3_large_inputs_integers_and_no_mutation(env):
    """Saturating pre-activations stay finite; integer inputs work; nothing is modified."""
    rng = env.rng("q3-edge")
    params, h, c, N, D = lstm_case(rng, N=2, D=3, H=2)
    x = rng.integers(-300, 300, size=(N, D))
    before = {"x": x.copy(), "h": h.copy(), "c": c.copy(), **{k: v.copy() for k, v in params.items()}}
    h_got, c_got = env["lstm_cell"](x, h, c, params)
    (h_ref, c_ref), = torch_lstm_steps([x], h, c, params)
    assert np.all(np.isfinite(h_got)) and np.all(np.isfinite(c_got)), "large inputs: non-finite states"
    np.testing.assert_allclose(c_got, c_ref, rtol=1e-9, atol=1e-10, err_msg="integer inputs of size 300")
    np.testing.assert_allclose(h_got, h_ref, rtol=1e-9, atol=1e-10, err_msg="integer inputs of size 300")
    _unchanged(before, {"x": x, "h": h, "c": c, **params}, "lstm_cell")


def test_q3_rule_numpy_only(env):
    params, h, c, N, D = lstm_case(np.random.default_rng(5))
    x = np.ones((N, D))
    (h_ref, _), = torch_lstm_steps([x], h, c, params)
    np.testing.assert_allclose(env["lstm_cell"](x, h, c, params)[0], h_ref, rtol=1e-9, atol=1e-10,
                               err_msg="a rule counts only next to working code")
    _no_torch(env, "lstm_cell")


# ---------------------------------------------------------------------------- q4


def test_q4_matches_cross_entropy(env):
    """Random shapes and scales, against exp of PyTorch's mean cross-entropy."""
    rng = np.random.default_rng(44)
    for _ in range(25):
        N, S, V = int(rng.integers(1, 5)), int(rng.integers(1, 9)), int(rng.integers(2, 12))
        logits = rng.normal(size=(N, S, V)) * rng.uniform(0.1, 5)
        targets = rng.integers(0, V, size=(N, S))
        got = env["perplexity"](logits, targets)
        expected = torch_perplexity(logits, targets)
        assert abs(got - expected) <= 1e-9 * expected, f"logits {logits.shape}: {got}, expected {expected}"


def test_q4_large_logits_types_and_no_mutation(env):
    """Logits of +-1000 stay finite; a Python float comes back; the inputs are unchanged."""
    rng = env.rng("q4-large")
    logits = rng.normal(size=(2, 4, 5)) * 400
    logits[0, 0, 0] = 1000.0
    logits[1, 1, 2] = -1000.0
    targets = rng.integers(0, 5, size=(2, 4))
    copies = logits.copy(), targets.copy()
    got = env["perplexity"](logits, targets)
    assert type(got) is float, f"return a Python float, got {type(got).__name__}"
    expected = torch_perplexity(logits, targets)
    assert np.isfinite(got) and abs(math.log(got) - math.log(expected)) < 1e-9, (
        f"large logits: {got}, expected {expected}")
    assert np.array_equal(logits, copies[0]) and np.array_equal(targets, copies[1]), "inputs modified"


def test_q4_sequences_of_different_lengths_weigh_by_position(env):
    """The mean is over all N*S positions (not a mean of per-sequence perplexities)."""
    logits = np.zeros((2, 3, 4))
    logits[0, :, 1] = 3.0  # the first sequence is predicted well, the second is not
    targets = np.array([[1, 1, 1], [0, 0, 0]])
    got = env["perplexity"](logits, targets)
    expected = torch_perplexity(logits, targets)
    assert abs(got - expected) < 1e-9 * expected, f"{got}, expected {expected}"
    assert abs(env["perplexity"](logits[:1, :1], targets[:1, :1]) - torch_perplexity(logits[:1, :1], targets[:1, :1])) < 1e-9


def test_q4_rule_numpy_only(env):
    assert abs(env["perplexity"](np.zeros((1, 2, 3)), np.zeros((1, 2), dtype=int)) - 3.0) < 1e-9
    _no_torch(env, "perplexity")


# ---------------------------------------------------------------------------- q5


def _lm(env, seed, steps=None, part=0):
    import utils

    vocab = utils.text.shakespeare_vocab()
    corpus = utils.text.load_shakespeare()
    ids = vocab.encode(corpus.train[part * 1_000_000:(part + 1) * 1_000_000])
    extra = {} if steps is None else {"steps": steps}
    return env["train_char_lm"](ids, len(vocab), seed=seed, **extra), vocab, corpus


def _validation_perplexity(model, ids, window=256):
    """The same measure as utils.text.window_perplexity, written out here."""
    import torch

    count = (len(ids) - 1) // window
    data = torch.as_tensor(ids[:count * window + 1], dtype=torch.long)
    x, t = data[:-1].reshape(count, window), data[1:].reshape(count, window)
    total = 0.0
    with torch.no_grad():
        for start in range(0, count, 64):
            logits = torch.as_tensor(model(x[start:start + 64])).double()
            total += float(torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), t[start:start + 64].reshape(-1), reduction="sum"))
    return math.exp(total / t.numel())


def test_q5_other_seed_and_text_reach_the_target(env):
    """Seed 1, trained on the next million characters: perplexity at most 8.0, eval mode."""
    model, vocab, corpus = _lm(env, seed=1, part=1)
    assert model.is_a("torch.nn.modules.module.Module"), "return an nn.Module"
    assert model.attr("training") is False, "return the model in evaluation mode (model.eval())"
    ppl = _validation_perplexity(model, vocab.encode(corpus.val))
    assert ppl <= 8.0, f"seed 1, other training text: validation perplexity {ppl:.3f} is above 8.0"


def test_q5_logits_of_every_position_from_a_zero_state(env):
    """A few steps suffice to check the interface: (B, S, V) logits, not probabilities, causal."""
    import torch

    model, vocab, _ = _lm(env, seed=2, steps=5)
    assert model.attr("training") is False, "return the model in evaluation mode (model.eval())"
    ids = torch.as_tensor(np.random.default_rng(6).integers(0, len(vocab), size=(3, 7)))
    with torch.no_grad():
        logits = torch.as_tensor(model(ids))
        again = torch.as_tensor(model(ids))
        prefix = torch.as_tensor(model(ids[:, :4]))
        alone = torch.as_tensor(model(ids[1:2]))
    assert tuple(logits.shape) == (3, 7, len(vocab)), f"logits of shape {tuple(logits.shape)}, expected (3, 7, {len(vocab)})"
    assert torch.allclose(logits, again), "two calls on the same ids differ: is a state carried between calls?"
    assert torch.allclose(logits[:, :4], prefix, atol=1e-5), "position s may depend only on ids up to s"
    assert torch.allclose(logits[1:2], alone, atol=1e-5), "each sequence must be read on its own"
    probabilities_like = bool(((logits >= 0) & (logits <= 1)).all()) and \
        bool(torch.allclose(logits.sum(dim=-1), torch.ones(3, 7, dtype=logits.dtype), atol=1e-4))
    assert not probabilities_like, "return logits (scores), not probabilities"


def test_q5_same_seed_same_model(env):
    """Training twice with one seed (a few steps, to be quick) gives the same model; seeds differ."""
    import torch

    a, vocab, _ = _lm(env, seed=5, steps=3)
    b, _, _ = _lm(env, seed=5, steps=3)
    c, _, _ = _lm(env, seed=6, steps=3)
    probe = torch.as_tensor(np.random.default_rng(7).integers(0, len(vocab), size=(2, 6)))
    with torch.no_grad():
        la, lb, lc = (torch.as_tensor(m(probe)) for m in (a, b, c))
    assert torch.allclose(la, lb), "the same seed must give the same model"
    assert not torch.allclose(la, lc), "different seeds gave the same model: is the seed used?"


def test_q5_rule_uses_an_lstm(env):
    """The model is an LSTM (nn.LSTM or nn.LSTMCell): this is a lab on LSTMs."""
    used = env.source.modules_used("train_char_lm")
    assert any(n.endswith((".LSTM", ".LSTMCell")) for n in used), (
        "train_char_lm builds no LSTM (nn.LSTM or nn.LSTMCell)")
