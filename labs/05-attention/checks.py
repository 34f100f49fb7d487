"""Hidden checks of Lab 5 (attention and transformers): run by the grader, outside the sandbox.

Never handed out: `make labs` does not copy this file, and the sandbox the submission runs in
cannot see the checkout. Each ``test_qK_*(env)`` calls the student's functions through ``env``
(plain values in, plain values out) and decides here. The references are PyTorch's own
``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``, computed here.
"""

# ruff: noqa: E501
import math

import numpy as np

# ---------------------------------------------------------------------------- references


def torch_attention(q, k, v, mask=None):
    """(output, weights) of scaled dot-product attention, from PyTorch in double precision."""
    import torch
    import torch.nn.functional as F

    q, k, v = (torch.tensor(np.asarray(a, dtype=float)) for a in (q, k, v))
    m = None if mask is None else torch.tensor(np.asarray(mask, dtype=bool))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=m)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if m is not None:
        scores = scores.masked_fill(~m, float("-inf"))
    return out.numpy(), torch.softmax(scores, dim=-1).numpy()


def torch_mha(x_q, x_kv, params, n_heads, mask=None):
    """nn.MultiheadAttention with the student's (inputs, outputs) weights copied in as .T."""
    import torch

    D = np.shape(params["W_q"])[0]
    mha = torch.nn.MultiheadAttention(D, n_heads, batch_first=True).double()
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([p["W_q"].T, p["W_k"].T, p["W_v"].T])))
        mha.in_proj_bias.copy_(torch.tensor(np.concatenate([p["b_q"], p["b_k"], p["b_v"]])))
        mha.out_proj.weight.copy_(torch.tensor(p["W_o"].T))
        mha.out_proj.bias.copy_(torch.tensor(p["b_o"]))
        blocked = None if mask is None else torch.tensor(~np.asarray(mask, dtype=bool))
        out, _ = mha(*(torch.tensor(np.asarray(a, dtype=float)) for a in (x_q, x_kv, x_kv)),
                     attn_mask=blocked, need_weights=False)
    return out.numpy()


def reference_encoding(S, D):
    s = np.arange(S, dtype=float)[:, None]
    omega = 10000.0 ** (-np.arange(0, D, 2) / D)
    P = np.empty((S, D))
    P[:, 0::2], P[:, 1::2] = np.sin(s * omega), np.cos(s * omega)
    return P


def random_mask(rng, S_q, S_k):
    """Random booleans with at least one visible key per query."""
    mask = rng.random((S_q, S_k)) < 0.5
    mask[np.arange(S_q), rng.integers(0, S_k, size=S_q)] = True
    return mask


def attention_case(rng, lead=None):
    lead = tuple(int(n) for n in rng.integers(1, 4, size=int(rng.integers(1, 3)))) if lead is None else lead
    S_q, S_k, d, d_v = (int(n) for n in rng.integers(1, 7, size=4))
    return (rng.normal(size=lead + (S_q, d)), rng.normal(size=lead + (S_k, d)),
            rng.normal(size=lead + (S_k, d_v)))


def mha_params(rng, D, scale=1.0):
    params = {n: rng.normal(size=(D, D)) * scale / np.sqrt(D) for n in ("W_q", "W_k", "W_v", "W_o")}
    params.update({n: rng.normal(size=D) for n in ("b_q", "b_k", "b_v", "b_o")})
    return params


def _no_torch(env, *names):
    """The NumPy questions must be NumPy: no torch, whatever name it was imported under."""
    for name in names:
        used = {n for n in env.source.modules_used(name) if n == "torch" or n.startswith("torch.")}
        assert not used, f"{name} uses PyTorch ({sorted(used)[:3]}); write it in NumPy"


def _unchanged(before, after, what):
    for key in before:
        assert np.array_equal(before[key], after[key]), f"{what}: {key} was modified"


def _close(got, want, what):
    assert np.shape(got) == np.shape(want), f"{what}: shape {np.shape(got)}, expected {np.shape(want)}"
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10, err_msg=what)


# ---------------------------------------------------------------------------- q1


def test_q1_matches_scaled_dot_product_attention(env):
    """Random leading axes, S_q != S_k, d != d_v, no mask: output and weights against PyTorch."""
    rng = np.random.default_rng(51)
    for _ in range(20):
        q, k, v = attention_case(rng)
        out, weights = env["attention"](q, k, v)
        ref_out, ref_weights = torch_attention(q, k, v)
        _close(weights, ref_weights, f"weights for q {q.shape}, k {k.shape}")
        _close(out, ref_out, f"output for q {q.shape}, k {k.shape}, v {v.shape}")


def test_q1_random_masks_broadcast_over_batch_and_heads(env):
    """(S_q, S_k) masks shared by every sequence and head, and per-sequence masks."""
    rng = env.rng("q1-masks")
    for shared in (True, False) * 6:
        q, k, v = attention_case(rng, lead=(int(rng.integers(1, 4)), int(rng.integers(1, 4))))
        S_q, S_k = q.shape[-2], k.shape[-2]
        if shared:
            mask = random_mask(rng, S_q, S_k)
        else:
            mask = np.stack([random_mask(rng, S_q, S_k) for _ in range(q.shape[0])])[:, None]
        out, weights = env["attention"](q, k, v, mask)
        ref_out, ref_weights = torch_attention(q, k, v, np.broadcast_to(mask, q.shape[:-2] + (S_q, S_k)))
        assert np.all(np.asarray(weights)[..., ~np.broadcast_to(mask, np.shape(weights))] == 0), (
            "masked keys must get weight exactly 0 (mask the scores before the softmax)")
        _close(weights, ref_weights, f"weights with a mask of shape {mask.shape}")
        _close(out, ref_out, f"output with a mask of shape {mask.shape}")


def test_q1_large_scores_integers_and_no_mutation(env):
    """Scores in the thousands stay finite; integer inputs work; nothing is modified."""
    rng = env.rng("q1-edge")
    q = rng.integers(-40, 40, size=(2, 3, 4))
    k = rng.integers(-40, 40, size=(2, 5, 4))
    v = rng.integers(-3, 4, size=(2, 5, 2))
    mask = random_mask(rng, 3, 5)
    before = {"q": q.copy(), "k": k.copy(), "v": v.copy(), "mask": mask.copy()}
    out, weights = env["attention"](q, k, v, mask)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(weights)), "large scores: non-finite values"
    ref_out, ref_weights = torch_attention(q, k, v, mask)
    _close(weights, ref_weights, "integer inputs, scores of size ~1000")
    _close(out, ref_out, "integer inputs, scores of size ~1000")
    _unchanged(before, {"q": q, "k": k, "v": v, "mask": mask}, "attention")


def test_q1_scale_uses_the_key_width(env):
    """d_v much wider than d: the scale is sqrt(d) of the queries and keys, not of the values."""
    rng = env.rng("q1-scale")
    q, k, v = rng.normal(size=(4, 2)) * 3, rng.normal(size=(6, 2)) * 3, rng.normal(size=(6, 9))
    out, weights = env["attention"](q, k, v)
    ref_out, ref_weights = torch_attention(q, k, v)
    _close(weights, ref_weights, "d = 2, d_v = 9")
    _close(out, ref_out, "d = 2, d_v = 9")


def test_q1_rule_numpy_only(env):
    q, k, v = attention_case(np.random.default_rng(5))
    _close(env["attention"](q, k, v)[0], torch_attention(q, k, v)[0],
           "a rule counts only next to working code")
    _no_torch(env, "attention")


# ---------------------------------------------------------------------------- q2


def test_q2_bottom_right_triangle_for_every_size(env):
    """Every 1 <= S_q <= S_k <= 9, against the lower triangle aligned to the bottom right."""
    for S_k in range(1, 10):
        for S_q in range(1, S_k + 1):
            mask = env["causal_mask"](S_q, S_k)
            assert np.asarray(mask).dtype == bool, f"({S_q}, {S_k}): return booleans, not {np.asarray(mask).dtype}"
            expected = np.arange(S_k)[None, :] <= np.arange(S_q)[:, None] + (S_k - S_q)
            assert np.shape(mask) == expected.shape, f"shape {np.shape(mask)}, expected {expected.shape}"
            assert np.array_equal(mask, expected), f"S_q = {S_q}, S_k = {S_k}:\n{np.asarray(mask).astype(int)}"


def test_q2_new_queries_reproduce_full_causal_attention(env):
    """The last S_q rows of causal self-attention equal S_q new queries over all keys."""
    rng = env.rng("q2-generation")
    for _ in range(5):
        S, d = int(rng.integers(3, 9)), int(rng.integers(1, 5))
        S_q = int(rng.integers(1, S))
        x = rng.normal(size=(S, d))
        square, fewer = env["causal_mask"](S, S), env["causal_mask"](S_q, S)
        for mask, shape in ((square, (S, S)), (fewer, (S_q, S))):
            assert np.shape(mask) == shape, f"causal_mask{shape}: shape {np.shape(mask)}"
            assert np.asarray(mask).dtype == bool, f"causal_mask{shape}: return booleans"
        assert not np.asarray(square).all(), f"causal_mask({S}, {S}) hides nothing"
        full, _ = torch_attention(x, x, x, square)
        new, _ = torch_attention(x[S - S_q:], x, x, fewer)
        _close(new, full[S - S_q:], f"{S_q} new queries of {S} positions")


def test_q2_rule_numpy_only(env):
    assert np.array_equal(env["causal_mask"](2, 2), [[True, False], [True, True]])
    _no_torch(env, "causal_mask")


# ---------------------------------------------------------------------------- q3


def test_q3_matches_nn_multiheadattention(env):
    """Random N, heads, head widths, S_q != S_k (cross-attention), no mask, against PyTorch."""
    rng = np.random.default_rng(53)
    for _ in range(16):
        n_heads, d = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        D = n_heads * d
        N, S_q, S_k = (int(n) for n in rng.integers(1, 6, size=3))
        params = mha_params(rng, D)
        x_q, x_kv = rng.normal(size=(N, S_q, D)), rng.normal(size=(N, S_k, D))
        _close(env["multi_head_attention"](x_q, x_kv, params, n_heads),
               torch_mha(x_q, x_kv, params, n_heads),
               f"{n_heads} heads of width {d}, x_q {x_q.shape}, x_kv {x_kv.shape}")


def test_q3_masks_and_self_attention(env):
    """Causal and random masks, self- and cross-attention, sharp attention (large weights)."""
    rng = env.rng("q3-masks")
    for case in range(10):
        n_heads, d = int(rng.integers(2, 5)), int(rng.integers(1, 4))
        D, N = n_heads * d, int(rng.integers(1, 4))
        S_k = int(rng.integers(2, 7))
        S_q = S_k if case % 2 == 0 else int(rng.integers(1, S_k + 1))
        mask = np.tril(np.ones((S_q, S_k), dtype=bool), k=S_k - S_q) if case < 5 else random_mask(rng, S_q, S_k)
        params = mha_params(rng, D, scale=3.0)
        x_kv = rng.normal(size=(N, S_k, D))
        x_q = x_kv[:, S_k - S_q:] if case % 2 == 0 else rng.normal(size=(N, S_q, D))
        _close(env["multi_head_attention"](x_q, x_kv, params, n_heads, mask),
               torch_mha(x_q, x_kv, params, n_heads, mask),
               f"{n_heads} heads, mask {mask.astype(int).tolist()}")


def test_q3_each_head_reads_its_own_columns(env):
    """Values that differ only in one head's columns change only what that head contributes."""
    rng = env.rng("q3-heads")
    n_heads, d, N, S = 3, 2, 2, 4
    D = n_heads * d
    params = mha_params(rng, D)
    params["W_o"] = np.eye(D)
    params["b_o"] = np.zeros(D)
    x = rng.normal(size=(N, S, D))
    _close(env["multi_head_attention"](x, x, params, n_heads), torch_mha(x, x, params, n_heads),
           "three heads of width 2, identity output projection")
    params["W_v"] = params["W_v"].copy()
    params["W_v"][:, 2:4] *= 10.0
    _close(env["multi_head_attention"](x, x, params, n_heads), torch_mha(x, x, params, n_heads),
           "head 1's value columns scaled by 10")


def test_q3_integer_inputs_and_no_mutation(env):
    rng = env.rng("q3-edge")
    params = {k: np.round(v * 2).astype(int) for k, v in mha_params(rng, 4).items()}
    x = rng.integers(-2, 3, size=(2, 3, 4))
    mask = np.tril(np.ones((3, 3), dtype=bool))
    before = {"x": x.copy(), "mask": mask.copy(), **{k: v.copy() for k, v in params.items()}}
    out = env["multi_head_attention"](x, x, params, 2, mask)
    _close(out, torch_mha(x, x, params, 2, mask), "integer weights and inputs")
    _unchanged(before, {"x": x, "mask": mask, **params}, "multi_head_attention")


def test_q3_rule_numpy_only(env):
    rng = np.random.default_rng(6)
    params, x = mha_params(rng, 4), rng.normal(size=(1, 3, 4))
    _close(env["multi_head_attention"](x, x, params, 2), torch_mha(x, x, params, 2),
           "a rule counts only next to working code")
    _no_torch(env, "multi_head_attention")


# ---------------------------------------------------------------------------- q4


def test_q4_matches_the_formula(env):
    """Random lengths and even widths, against sin/cos of s * 10000^(-2i/D)."""
    rng = np.random.default_rng(54)
    for _ in range(15):
        S, D = int(rng.integers(1, 60)), 2 * int(rng.integers(1, 40))
        P = env["sinusoidal_encoding"](S, D)
        _close(P, reference_encoding(S, D), f"S = {S}, D = {D}")


def test_q4_wide_and_long(env):
    """D = 512 and 1,000 positions: the slow columns and the late positions are right too."""
    P = env["sinusoidal_encoding"](1000, 512)
    assert np.asarray(P).dtype.kind == "f", f"return floats, not {np.asarray(P).dtype}"
    ref = reference_encoding(1000, 512)
    np.testing.assert_allclose(P, ref, rtol=1e-7, atol=1e-9, err_msg="S = 1000, D = 512")
    assert np.allclose(np.asarray(P)[0], np.tile([0.0, 1.0], 256)), "position 0 is (0, 1, 0, 1, ...)"


def test_q4_rule_numpy_only(env):
    _close(env["sinusoidal_encoding"](2, 2), reference_encoding(2, 2), "a rule counts only next to working code")
    _no_torch(env, "sinusoidal_encoding")


# ---------------------------------------------------------------------------- q5


def _gpt(env, seed, steps=None, part=0):
    import utils

    vocab = utils.text.shakespeare_vocab()
    corpus = utils.text.load_shakespeare()
    ids = vocab.encode(corpus.train[part * 1_000_000:(part + 1) * 1_000_000])
    extra = {} if steps is None else {"steps": steps}
    return env["train_tiny_gpt"](ids, len(vocab), seed=seed, **extra), vocab, corpus


def _validation_loss(model, ids, window=64):
    """The same measure as log(utils.text.window_perplexity(model, ids, 64)), written out here."""
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
    return total / t.numel()


def _assert_causal(model, ids):
    """Logits at the first positions do not change when the later ids are cut off."""
    import torch

    x = torch.as_tensor(ids[:640], dtype=torch.long).reshape(10, 64)
    with torch.no_grad():
        whole, prefix = torch.as_tensor(model(x)), torch.as_tensor(model(x[:, :20]))
    assert torch.allclose(whole[:, :20], prefix, atol=1e-5), (
        "the model reads ids after the position it predicts for (mask the future): its loss "
        "would measure nothing")


def test_q5_other_seed_and_text_reach_the_target(env):
    """Seed 1, trained on the next million characters: loss at most 2.2 nats, eval mode."""
    model, vocab, corpus = _gpt(env, seed=1, part=1)
    assert model.is_a("torch.nn.modules.module.Module"), "return an nn.Module"
    assert model.attr("training") is False, "return the model in evaluation mode (model.eval())"
    _assert_causal(model, vocab.encode(corpus.val[:640]))  # else the loss below means nothing
    loss = _validation_loss(model, vocab.encode(corpus.val))
    assert loss <= 2.2, f"seed 1, other training text: validation loss {loss:.3f} nats is above 2.2"


def test_q5_causal_logits_of_every_position(env):
    """A few steps suffice to check the interface: (B, S, V) logits, causal, no state, S <= 64."""
    import torch

    model, vocab, _ = _gpt(env, seed=2, steps=5)
    assert model.attr("training") is False, "return the model in evaluation mode (model.eval())"
    rng = np.random.default_rng(6)
    ids = torch.as_tensor(rng.integers(0, len(vocab), size=(3, 9)))
    changed = ids.clone()
    changed[:, 5:] = torch.as_tensor(rng.integers(0, len(vocab), size=(3, 4)))
    with torch.no_grad():
        logits = torch.as_tensor(model(ids))
        again = torch.as_tensor(model(ids))
        prefix = torch.as_tensor(model(ids[:, :4]))
        future = torch.as_tensor(model(changed))
        alone = torch.as_tensor(model(ids[1:2]))
        longest = torch.as_tensor(model(torch.zeros(1, 64, dtype=torch.long)))
    assert tuple(logits.shape) == (3, 9, len(vocab)), f"logits of shape {tuple(logits.shape)}, expected (3, 9, {len(vocab)})"
    assert torch.allclose(logits, again), "two calls on the same ids differ: is a state carried between calls?"
    assert torch.allclose(logits[:, :5], future[:, :5], atol=1e-5), (
        "changing the ids after position 5 changed the logits before it: position s may see only ids up to s (causal mask)")
    assert torch.allclose(logits[:, :4], prefix, atol=1e-5), "position s may depend only on ids up to s"
    assert torch.allclose(logits[1:2], alone, atol=1e-5), "each sequence must be read on its own"
    assert tuple(longest.shape) == (1, 64, len(vocab)), "the model must take sequences of 64 ids"
    probabilities_like = bool(((logits >= 0) & (logits <= 1)).all()) and \
        bool(torch.allclose(logits.sum(dim=-1), torch.ones(3, 9, dtype=logits.dtype), atol=1e-4))
    assert not probabilities_like, "return logits (scores), not probabilities"


def test_q5_same_seed_same_model(env):
    """Training twice with one seed (a few steps, to be quick) gives the same model; seeds differ."""
    import torch

    a, vocab, _ = _gpt(env, seed=5, steps=3)
    b, _, _ = _gpt(env, seed=5, steps=3)
    c, _, _ = _gpt(env, seed=6, steps=3)
    probe = torch.as_tensor(np.random.default_rng(7).integers(0, len(vocab), size=(2, 6)))
    with torch.no_grad():
        la, lb, lc = (torch.as_tensor(m(probe)) for m in (a, b, c))
    assert torch.allclose(la, lb), "the same seed must give the same model"
    assert not torch.allclose(la, lc), "different seeds gave the same model: is the seed used?"


def test_q5_rule_attention_not_recurrence(env):
    """The model attends (nn.MultiheadAttention, scaled_dot_product_attention or a softmax of
    scores) and has no recurrent layer: this is a lab on transformers."""
    used = set(env.source.modules_used("train_tiny_gpt")) | set(env.source.modules_used("TinyGPT"))
    recurrent = sorted(n for n in used if n.endswith((".LSTM", ".LSTMCell", ".GRU", ".GRUCell", ".RNN", ".RNNCell")))
    assert not recurrent, f"a transformer has no recurrent layers, found {recurrent}"
    attends = any(n.endswith((".MultiheadAttention", ".scaled_dot_product_attention", "softmax",
                              ".TransformerEncoderLayer", ".TransformerDecoderLayer"))
                  for n in used)
    assert attends, "no attention found in TinyGPT or train_tiny_gpt"
