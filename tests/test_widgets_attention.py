"""Tests for utils.widgets_attention: weights from scratch and from PyTorch, checks, figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from utils import widgets_attention as wa  # noqa: E402

TOKENS = list("to be, or")
N = len(TOKENS)


def random_weights(heads=3, queries=N, keys=N, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(heads, queries, keys))
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def test_attention_weights_are_the_scaled_softmax_and_rows_sum_to_one():
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(2, 5, 8)), rng.normal(size=(2, 7, 8))
    w = wa.attention_weights(q, k)
    assert w.shape == (2, 5, 7)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    scores = torch.from_numpy(q) @ torch.from_numpy(k).transpose(-1, -2) / np.sqrt(8)
    np.testing.assert_allclose(w, torch.softmax(scores, dim=-1).numpy(), atol=1e-12)


def test_attention_weights_respect_a_causal_mask_like_pytorch():
    rng = np.random.default_rng(2)
    q, k, v = (rng.normal(size=(3, 6, 4)) for _ in range(3))
    causal = np.tril(np.ones((6, 6), dtype=bool))
    w = wa.attention_weights(q, k, mask=causal)
    assert np.all(w[:, ~causal] == 0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    reference = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)), is_causal=True)
    np.testing.assert_allclose(w @ v, reference.numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="at least one True"):
        wa.attention_weights(q, k, mask=np.zeros((6, 6), dtype=bool))
    with pytest.raises(ValueError, match="same width d"):
        wa.attention_weights(q, k[..., :3])


def test_mha_weights_match_a_softmax_computed_from_the_copied_projections():
    torch.manual_seed(0)
    E, H, S = 12, 3, 5
    mha = nn.MultiheadAttention(E, H).double().eval()
    x = torch.randn(S, E, dtype=torch.float64)
    w = wa.mha_weights(mha, x)
    assert w.shape == (H, S, S)
    # PyTorch stores in_proj_weight as (3E, E), (outputs, inputs): our x @ W needs its .T
    W_q, W_k, _ = mha.in_proj_weight.detach().T.chunk(3, dim=1)
    b_q, b_k, _ = mha.in_proj_bias.detach().chunk(3)
    q = (x @ W_q + b_q).reshape(S, H, E // H).transpose(0, 1)
    k = (x @ W_k + b_k).reshape(S, H, E // H).transpose(0, 1)
    np.testing.assert_allclose(w, wa.attention_weights(q, k), atol=1e-12)
    # a padded key gets no weight from any query
    pad = torch.tensor([False, False, False, False, True])
    w_pad = wa.mha_weights(mha, x, key_padding_mask=pad)
    assert np.all(w_pad[..., -1] == 0)
    np.testing.assert_allclose(w_pad.sum(-1), 1.0, atol=1e-12)
    with pytest.raises(ValueError, match=r"shape \(S, 12\)"):
        wa.mha_weights(mha, torch.randn(S, 7, dtype=torch.float64))


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_attention_records_every_layer(norm_first, batch_first):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0,
                                       norm_first=norm_first, batch_first=batch_first)
    encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).double().eval()
    x = torch.randn(1, 6, 16, dtype=torch.float64)
    w = wa.encoder_attention(encoder, x)
    assert w.shape == (2, 4, 6, 6)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    # layer 2's weights are those of its self_attn on layer 1's output
    first = encoder.layers[0]
    with torch.no_grad():
        h = first(x if batch_first else x.transpose(0, 1))
        h = h if batch_first else h.transpose(0, 1)
        second = encoder.layers[1]
        h = second.norm1(h) if norm_first else h
    np.testing.assert_allclose(w[1], wa.mha_weights(second.self_attn, h[0]), atol=1e-12)
    causal = nn.Transformer.generate_square_subsequent_mask(6, dtype=torch.float64) < 0
    w_causal = wa.encoder_attention(encoder, x, mask=causal)
    assert np.all(w_causal[..., np.triu_indices(6, 1)[0], np.triu_indices(6, 1)[1]] == 0)


def test_check_weights_accepts_one_head_and_tensors_and_refuses_bad_rows():
    w = random_weights(heads=1)[0]
    assert wa.check_weights(w, TOKENS).shape == (1, len(TOKENS), len(TOKENS))
    assert wa.check_weights(torch.tensor(random_weights()), TOKENS).shape == (3, 9, 9)
    with pytest.raises(ValueError, match="must sum to 1"):
        wa.check_weights(w * 2, TOKENS)
    with pytest.raises(ValueError, match="must sum to 1"):
        wa.check_weights(random_weights().swapaxes(-1, -2) * 0.5)
    with pytest.raises(ValueError, match="after the softmax"):
        wa.check_weights(np.log(w))
    with pytest.raises(ValueError, match="9 queries and 9 keys, but 9 query tokens and 4"):
        wa.check_weights(w, TOKENS[:4], query_tokens=TOKENS)
    with pytest.raises(ValueError, match="shape"):
        wa.check_weights(np.ones(4))
    with pytest.raises(TypeError, match="numeric"):
        wa.check_weights("weights")


@pytest.mark.parametrize("head", [-1, 3, 1.0, True, "0"])
def test_bad_head_says_what_is_allowed(head):
    with pytest.raises(ValueError, match=r"head must be an int from 0 to 2 \(3 to choose"):
        wa.plot_query(random_weights(), TOKENS, head=head, query=0)


@pytest.mark.parametrize("query", [-1, 9, 2.5])
def test_bad_query_says_what_is_allowed(query):
    with pytest.raises(ValueError, match=r"query must be an int from 0 to 8 \(9 to choose"):
        wa.plot_query(random_weights(), TOKENS, head=0, query=query)


def test_bad_layer_says_what_is_allowed():
    stacked = np.stack([random_weights(seed=0), random_weights(seed=1)])
    with pytest.raises(ValueError, match=r"layer must be an int from 0 to 1"):
        wa.plot_query(stacked, TOKENS, head=0, query=0, layer=2)
    with pytest.raises(ValueError, match="one layer, so layer must be 0"):
        wa.attention_heads(random_weights(), TOKENS, layer=1)


def test_plot_query_draws_that_row():
    w = random_weights()
    ax = wa.plot_query(w, TOKENS, head=2, query=4)
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, w[2, 4])
    assert [t.get_text() for t in ax.get_xticklabels()][2] == "\u2423"  # the space is shown
    plt.close(ax.figure)


def test_cross_attention_weights_take_separate_query_tokens():
    w = random_weights(heads=2, queries=3, keys=len(TOKENS))
    ax = wa.plot_query(w, TOKENS, head=1, query=2, query_tokens=["a", "b", "c"])
    assert len(ax.patches) == len(TOKENS)
    plt.close(ax.figure)
    fig = wa.attention_heads(w, TOKENS, query_tokens=["a", "b", "c"])
    assert fig.axes[0].get_images()[0].get_array().shape == (3, len(TOKENS))
    plt.close(fig)


@pytest.mark.parametrize("heads", [1, 4, 6])
def test_gallery_draws_one_heat_map_per_head(heads):
    w = random_weights(heads=heads)
    fig = wa.attention_heads(w, TOKENS, title="test")
    images = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    assert len(images) == heads
    for h, image in enumerate(images):
        np.testing.assert_allclose(image, w[h])
    plt.close(fig)


def test_explorer_builds_and_redraws():
    widgets = pytest.importorskip("ipywidgets")
    stacked = np.stack([random_weights(seed=0), random_weights(seed=1)])
    box = wa.attention_explorer(stacked, TOKENS)
    controls = box.children[0].children
    assert [c.description for c in controls] == ["layer", "head", "query"]
    assert controls[1].max == 2 and len(controls[2].options) == len(TOKENS)
    controls[2].value = 3  # choosing another query redraws without error
    assert isinstance(box, widgets.VBox)
    plt.close("all")
    single = wa.attention_explorer(random_weights(), TOKENS)
    assert [c.description for c in single.children[0].children] == ["head", "query"]
    plt.close("all")
