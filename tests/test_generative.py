"""utils.generative: the ring of Gaussians, the (variational) autoencoder and the judges."""

import numpy as np
import pytest
import torch

import utils.generative as gen
from utils.generative import (
    VAE,
    frechet_distance,
    mode_coverage,
    ring_centres,
    ring_of_gaussians,
    sample_scores,
    train_vae,
)


def test_ring_centres_lie_on_the_circle_first_at_angle_zero():
    c = ring_centres(8, 2.0)
    assert c.shape == (8, 2) and c.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0, rtol=1e-6)
    np.testing.assert_allclose(c[0], [2.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(c[2], [0.0, 2.0], atol=1e-6)  # a quarter turn later


def test_ring_samples_are_seeded_and_spread_over_every_mode():
    a = ring_of_gaussians(4000, std=0.05, seed=1)
    assert a.shape == (4000, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, ring_of_gaussians(4000, std=0.05, seed=1))
    cov = mode_coverage(a, std=0.05)
    assert cov.covered == 8 and cov.high_quality > 0.97  # 3 std in 2-D: 98.9 %
    assert cov.counts.sum() == round(cov.high_quality * 4000)
    assert np.all(np.abs(cov.counts / cov.counts.sum() - 1 / 8) < 0.03)


def test_mode_coverage_counts_collapsed_and_off_ring_samples():
    centres = ring_centres()
    samples = np.concatenate([np.repeat(centres[:2], 50, axis=0),  # two modes only
                              np.zeros((100, 2))])                  # junk at the origin
    cov = mode_coverage(torch.from_numpy(samples))
    assert cov.covered == 2
    assert cov.high_quality == pytest.approx(0.5)
    assert cov.counts.tolist() == [50, 50, 0, 0, 0, 0, 0, 0]
    few = np.concatenate([samples, centres[3:4]])  # one sample is under 2 % of 201
    assert mode_coverage(few).covered == 2
    assert mode_coverage(few, min_share=0.0).covered == 8  # every mode has >= 0 samples


@pytest.mark.parametrize("bad, error, words", [
    (np.zeros((10, 3)), ValueError, "shape (n, 2)"),
    (np.zeros(10), ValueError, "shape (n, 2)"),
    (np.zeros((0, 2)), ValueError, "empty"),
    (np.array([[0.0, np.nan]]), ValueError, "NaN"),
    (torch.zeros(5, 2, requires_grad=True), TypeError, "detach"),
    ("points", TypeError, "numbers"),
])
def test_mode_coverage_rejects_bad_input_clearly(bad, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        mode_coverage(bad)


def test_vae_shapes_and_eval_mode_uses_the_mean():
    torch.manual_seed(0)
    model = VAE(J=3, hidden=20)
    x = torch.rand(5, 1, 28, 28)
    logits, mu, logvar = model(x)
    assert logits.shape == (5, 1, 28, 28) and mu.shape == logvar.shape == (5, 3)
    model.eval()
    torch.testing.assert_close(model(x)[0], model.decode(model.encode(x)[0]))
    torch.testing.assert_close(model.encode(x.view(5, 784))[0], model.encode(x)[0])
    with pytest.raises(ValueError, match="shape"):
        model.encode(torch.rand(5, 28, 28))
    with pytest.raises(ValueError, match="J=3"):
        model.decode(torch.rand(5, 4))


def test_vae_loss_matches_its_definition():
    torch.manual_seed(0)
    x = torch.rand(4, 784)
    logits, mu, logvar = torch.randn(4, 1, 28, 28), torch.randn(4, 3), torch.randn(4, 3)
    loss, bce, kl = gen.vae_loss(logits, x, mu, logvar, beta=2.0)
    p = torch.sigmoid(logits.view(4, 784))
    expect_bce = -(x * p.log() + (1 - x) * (1 - p).log()).sum(1).mean()
    var = logvar.exp()  # KL(N(mu, var) || N(0, 1)) per dimension, summed
    expect_kl = (0.5 * (var + mu**2 - 1) - 0.5 * logvar).sum(1).mean()
    torch.testing.assert_close(bce, expect_bce, rtol=1e-5, atol=1e-4)
    torch.testing.assert_close(kl, expect_kl)
    torch.testing.assert_close(loss, bce + 2.0 * kl)


def test_train_vae_is_deterministic_learns_and_autoencoder_has_no_kl():
    X = (torch.rand(64, 1, 28, 28) > 0.7).float()
    X[:, :, 10:18, 10:18] = 1.0  # a shared structure to learn
    m1, h1 = train_vae(X, J=4, epochs=5, batch_size=16, seed=3, hidden=32)
    m2, h2 = train_vae(X, J=4, epochs=5, batch_size=16, seed=3, hidden=32)
    assert h1["loss"] == h2["loss"] and not m1.training
    assert h1["loss"][-1] < h1["loss"][0]
    _, h_ae = train_vae(X.numpy(), J=4, epochs=3, variational=False, seed=3, hidden=32)
    assert h_ae["loss"] == h_ae["reconstruction"]  # beta plays no part
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        train_vae(X * 255, epochs=1)


def test_frechet_distance_zero_symmetric_and_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 3))
    assert abs(frechet_distance(a, a)) < 1e-8
    b = rng.normal(size=(400, 3)) * 2.0 + 1.0
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-8)
    # exact for a known pair: N(0, I) vs N(m, 4 I) in 3-D -> |m|^2 + 3 * (1 + 4 - 2 * 2)
    n = 200_000
    x = rng.normal(size=(n, 3))
    y = rng.normal(size=(n, 3)) * 2.0 + np.array([1.0, -1.0, 0.5])
    assert frechet_distance(x, y) == pytest.approx(2.25 + 3.0, rel=0.01)
    assert frechet_distance(a, b) > 0


def test_frechet_distance_1d_matches_the_formula_exactly():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(300, 1)), rng.normal(3.0, 0.5, size=(200, 1))
    sa, sb = a.var(ddof=1), b.var(ddof=1)
    expect = (a.mean() - b.mean()) ** 2 + sa + sb - 2 * np.sqrt(sa * sb)
    assert frechet_distance(a, b) == pytest.approx(expect, rel=1e-10)


@pytest.mark.parametrize("a, b, words", [
    (np.zeros((50, 84)), np.zeros((200, 84)), "at least 85"),
    (np.zeros((100, 3)), np.zeros((100, 4)), "same feature dimension"),
    (np.zeros(100), np.zeros((100, 1)), "2 dimensions"),
    (np.full((10, 1), np.nan), np.zeros((10, 1)), "NaN"),
])
def test_frechet_distance_rejects_bad_input_clearly(a, b, words):
    with pytest.raises(ValueError, match=words):
        frechet_distance(a, b)


def test_classifier_features_and_scores():
    model = gen.digit_classifier.__wrapped__(seed=0, epochs=1)  # uncached, one epoch
    from utils.data import load_mnist

    split = load_mnist()
    assert model.test_accuracy > 0.85 and not model.training
    feats = gen.cnn_features(model, split.X_test[:100])
    assert feats.shape == (100, 84) and (feats >= 0).all()  # after a ReLU
    with torch.no_grad():  # the features are what the last layer reads
        logits = model[-1](torch.from_numpy(feats).float())
    torch.testing.assert_close(logits, model(torch.from_numpy(split.X_test[:100])),
                               rtol=1e-4, atol=1e-4)
    scores = sample_scores(model, split.X_test)
    assert scores.classes == 10 and scores.entropy_bits > 3.2 and scores.confidence > 0.8
    ones = split.X_test[split.y_test == 1]
    one_class = sample_scores(model, ones.reshape(len(ones), 784))
    assert one_class.entropy_bits < 0.7 and one_class.classes <= 2
    assert one_class.counts.sum() == len(ones)
    with pytest.raises(ValueError, match=r"\(n, 1, 28, 28\)"):
        sample_scores(model, np.zeros((5, 8, 8)))
    with pytest.raises(TypeError, match="digit_classifier"):
        gen.cnn_features(VAE(), split.X_test[:5])
