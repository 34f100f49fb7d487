"""Tests for utils.widgets_text: temperature, next-character distributions, sampling, figures."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import utils.text as T  # noqa: E402
from utils import widgets_text as wt  # noqa: E402

P = np.array([0.5, 0.3, 0.15, 0.05, 0.0])


def test_tau_one_keeps_the_distribution():
    np.testing.assert_allclose(wt.apply_temperature(P, 1.0), P, atol=1e-15)


def test_small_tau_is_greedy_and_large_tau_is_uniform_on_the_support():
    cold = wt.apply_temperature(P, 1e-3)
    np.testing.assert_allclose(cold, [1, 0, 0, 0, 0], atol=1e-12)
    hot = wt.apply_temperature(P, 1e4)
    np.testing.assert_allclose(hot[:4], 0.25, atol=1e-3)
    assert hot[4] == 0.0  # an impossible character stays impossible


def test_temperature_is_the_renormalised_power_and_keeps_the_ranking():
    for tau in (0.3, 0.5, 2.0, 3.7):
        q = wt.apply_temperature(P, tau)
        expected = P ** (1 / tau) / np.sum(P ** (1 / tau))
        np.testing.assert_allclose(q, expected, rtol=1e-12)
        assert q.sum() == pytest.approx(1.0)
        assert np.all(np.diff(q) <= 0)  # P is sorted, so q must stay sorted
    # lower temperature, lower entropy
    def entropy(q):
        q = q[q > 0]
        return -np.sum(q * np.log(q))
    assert entropy(wt.apply_temperature(P, 0.5)) < entropy(P) < entropy(
        wt.apply_temperature(P, 2.0))


def test_temperature_works_row_by_row_and_does_not_underflow():
    rows = np.array([[0.9, 0.1], [1e-300, 1.0]])
    q = wt.apply_temperature(rows, 0.01)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    np.testing.assert_allclose(q, [[1, 0], [0, 1]], atol=1e-12)


@pytest.mark.parametrize("tau", [0, -1, float("nan"), float("inf")])
def test_bad_temperature_says_what_to_do(tau):
    with pytest.raises(ValueError, match=r"tau must be a finite number > 0.*tau=0.01"):
        wt.apply_temperature(P, tau)


def test_bad_inputs_are_explained():
    with pytest.raises(TypeError, match="tau must be a number"):
        wt.apply_temperature(P, "hot")
    with pytest.raises(ValueError, match="not logits"):
        wt.apply_temperature([2.0, -1.0], 1.0)
    with pytest.raises(ValueError, match="non-empty"):
        wt.apply_temperature([], 1.0)
    with pytest.raises(ValueError, match="positive entry"):
        wt.apply_temperature([0.0, 0.0], 1.0)


@pytest.mark.parametrize("n", [0, 9, 2.5, True, "3"])
def test_bad_order_says_what_is_allowed(n):
    with pytest.raises(ValueError, match=r"order n must be an int from 1 to 8.*n=3"):
        wt.sample_text(n=n, length=5)


def small_model(n, text="the cat sat on the mat\n", k=0.1):
    return T.CharNGram(n, k=k, vocab=T.CharVocab(text)).fit(text)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("context", ["", "t", "th", "the ", "zzz", "mat\n"])
def test_next_char_probs_match_log_probs(n, context):
    text = "the cat sat on the mat\nz"
    model = small_model(n, text)
    p = wt.next_char_probs(model, context)
    assert p.shape == (len(model.vocab),) and p.sum() == pytest.approx(1.0)
    expected = [math.exp(model.log_probs("\n" + context + c)[-1]) for c in model.vocab.chars]
    np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_next_char_probs_needs_a_fitted_model_and_a_string():
    with pytest.raises(RuntimeError, match="fit"):
        wt.next_char_probs(T.CharNGram(2, vocab=T.CharVocab("ab")), "a")
    with pytest.raises(TypeError, match="string"):
        wt.next_char_probs(small_model(2), 3)


def test_sampling_is_seeded_and_greedy_at_small_tau():
    model = small_model(3)
    a = wt.sample_text(3, 1.0, "th", 40, seed=1, model=model)
    assert a == wt.sample_text(3, 1.0, "th", 40, seed=1, model=model)
    assert len(a) == 40 and set(a) <= set(model.vocab.chars)
    # greedy: every character is a most likely one (ties, as 'c' and 'm' after 'he ', are
    # split evenly by the temperature, so either may be drawn)
    greedy = wt.sample_text(3, 1e-3, "th", 30, seed=2, model=model)
    out = "th"
    for c in greedy:
        p = wt.next_char_probs(model, out[-2:])
        assert p[model.vocab.index[c]] == p.max()
        out += c
    # without ties, greedy sampling does not depend on the seed
    unique = small_model(3, "abcabcabd\n")
    runs = {wt.sample_text(3, 1e-3, "ab", 12, seed=s, model=unique) for s in range(5)}
    assert runs == {"cabcabcabcab"}


def test_sampling_errors():
    model = small_model(3)
    with pytest.raises(ValueError, match="order 3 but n=2"):
        wt.sample_text(2, 1.0, "th", 5, model=model)
    with pytest.raises(ValueError, match="length"):
        wt.sample_text(3, 1.0, "th", -1, model=model)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        wt.sample_text(3, 1.0, "Q", 5, model=model)


def test_fitted_models_are_cached_and_sample_shakespeare():
    assert wt.fitted_model(2) is wt.fitted_model(2)
    sample = wt.sample_text(2, 1.0, "KING.", 50, seed=0)
    assert len(sample) == 50 and set(sample) <= set(T.shakespeare_vocab().chars)


def test_gallery_draws_one_panel_per_temperature():
    fig = wt.sampling_gallery(n=2, taus=(0.5, 1.0, 2.0), top=5)
    axes = [ax for ax in fig.axes if ax.patches]
    assert len(axes) == 3
    for ax in axes:
        heights = [bar.get_height() for bar in ax.patches]
        assert len(heights) == 6 and sum(heights) == pytest.approx(1.0)
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one temperature"):
        wt.sampling_gallery(taus=())
    with pytest.raises(ValueError, match="tau"):
        wt.sampling_gallery(taus=(1.0, 0.0))


def test_explorer_builds():
    pytest.importorskip("ipywidgets")
    box = wt.sampling_explorer(length=20)
    assert box.children
