import numpy as np
import pytest

from utils import data


@pytest.mark.parametrize("name", data.TOY_SETS)
def test_toy_sets_have_documented_shapes_and_dtypes(name):
    X, y = data.toy_2d(name, n=120, seed=3)
    assert X.shape == (120, 2) and X.dtype == np.float32
    assert y.shape == (120,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(3 if name == "spirals" else 2))


def test_toy_sets_are_seeded():
    a, b = data.toy_2d("moons", seed=1), data.toy_2d("moons", seed=1)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], data.toy_2d("moons", seed=2)[0])


def test_xor_labels_follow_xor_of_the_corners():
    X, y = data.toy_2d("xor", n=400, noise=0.05)
    corners = (X > 0.5).astype(int)
    np.testing.assert_array_equal(y, corners[:, 0] ^ corners[:, 1])


def test_blobs_are_linearly_separable():
    from sklearn.svm import LinearSVC

    X, y = data.toy_2d("blobs", n=200)
    assert LinearSVC(C=100, max_iter=20000).fit(X, y).score(X, y) == 1.0


def test_unknown_toy_set_names_the_choices():
    with pytest.raises(ValueError, match="unknown toy data set 'xro'.*xor"):
        data.toy_2d("xro")


def test_toy_rejects_bad_sizes():
    with pytest.raises(TypeError, match="n must be an int"):
        data.toy_2d("xor", n=10.5)
    with pytest.raises(ValueError, match="noise"):
        data.toy_2d("xor", noise=-1)


@pytest.mark.parametrize("name,features,classes", [("digits", 64, 10), ("breast_cancer", 30, 2),
                                                   ("iris", 4, 3), ("wine", 13, 3)])
def test_sklearn_sets_load_offline_as_standardized_splits(name, features, classes):
    split = data.load_dataset(name)
    X_train, y_train, X_test, y_test = split
    assert X_train.shape[1] == X_test.shape[1] == features
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert len(np.unique(y_train)) == classes
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-4)
    assert np.isfinite(X_test).all()  # constant pixels must not become NaN


def test_test_size_is_respected():
    split = data.load_dataset("iris", test_size=0.2)
    assert len(split.X_test) == 30


def test_mnist1d_is_generated_offline():
    split = data.load_dataset("mnist1d")
    assert split.X_train.shape == (4000, 40) and split.X_test.shape == (1000, 40)
    assert set(np.unique(split.y_train)) == set(range(10))


def test_mnist_images_load_offline_as_a_stratified_split():
    X_train, y_train, X_test, y_test = data.load_mnist(test_size=0.2, seed=0)
    assert X_train.shape == (4000, 1, 28, 28) and X_test.shape == (1000, 1, 28, 28)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    np.testing.assert_array_equal(np.bincount(y_test), np.full(10, 100))  # stratified
    again = data.load_mnist(test_size=0.2, seed=0)
    np.testing.assert_array_equal(again.y_train, y_train)
    assert not np.array_equal(data.load_mnist(seed=1).y_train, y_train)


def test_mnist_bad_test_size_is_explained():
    with pytest.raises(ValueError, match="test_size"):
        data.load_mnist(test_size=1.5)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="unknown data set 'mnist'.*mnist1d"):
        data.load_dataset("mnist")
    with pytest.raises(ValueError, match="load_mnist"):
        data.load_dataset("mnist")


def test_bad_test_size_is_explained():
    with pytest.raises(ValueError, match="test_size"):
        data.load_dataset("iris", test_size=25)


def test_batches_cover_every_example_once():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    seen = np.concatenate([yb for _, yb in data.batches(X, y, 3, seed=0)])
    assert sorted(seen) == list(range(10))
    for xb, yb in data.batches(X, y, 4, seed=1):
        np.testing.assert_array_equal(xb[:, 0], yb)  # inputs stay paired with labels


def test_batches_reject_mismatched_lengths():
    with pytest.raises(ValueError, match="disagree"):
        list(data.batches(np.zeros((5, 2)), np.zeros(4), 2))
