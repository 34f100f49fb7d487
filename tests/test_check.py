import numpy as np
import pytest
import torch

from utils.check import compare, gradient_check, numerical_gradient


def test_compare_passes_on_equal_arrays(capsys):
    assert compare("same", np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3))
    assert capsys.readouterr().out.startswith("PASS same")


def test_compare_catches_one_wrong_element_in_a_large_array(capsys):
    ref = np.random.default_rng(0).standard_normal((300, 400))
    mine = ref.copy()
    mine[123, 321] += 1e-3
    assert not compare("big", mine, ref)
    out = capsys.readouterr().out
    assert out.startswith("FAIL big") and "1 of 120000" in out and "(123, 321)" in out


def test_compare_reports_max_error():
    ref = np.zeros(10)
    mine = ref.copy()
    mine[3] = 0.5
    mine[7] = 0.25
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        compare("err", mine, ref)
    assert "5.00e-01" in buf.getvalue()


def test_compare_rejects_shape_mismatch_instead_of_broadcasting(capsys):
    assert not compare("shape", np.ones((3, 1)), np.ones(3))
    assert "shape (3, 1)" in capsys.readouterr().out


def test_compare_nan_never_passes():
    assert not compare("nan", np.array([1.0, np.nan]), np.array([1.0, 1.0]), verbose=False)
    assert not compare("nan", np.array([np.nan]), np.array([np.nan]), verbose=False)


def test_compare_accepts_torch_tensors():
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert compare("torch", t * 1, np.array([1.0, 2.0]), verbose=False)


def test_compare_tolerances_are_respected():
    assert compare("tol", np.array([1.0 + 1e-7]), np.array([1.0]), verbose=False)
    assert not compare("tol", np.array([1.0 + 1e-3]), np.array([1.0]), atol=1e-6, rtol=1e-6,
                       verbose=False)


def test_compare_rejects_non_numeric_input():
    with pytest.raises(TypeError, match="numeric"):
        compare("text", "abc", np.zeros(1))


def test_numerical_gradient_matches_known_gradient():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-6)


def test_numerical_gradient_leaves_input_untouched():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_needs_scalar_function():
    with pytest.raises(ValueError, match="scalar"):
        numerical_gradient(lambda v: v * 2, np.ones(3))


def test_numerical_gradient_rejects_empty_input():
    with pytest.raises(ValueError, match="non-empty"):
        numerical_gradient(lambda v: 0.0, np.array([]))


def test_gradient_check_catches_a_wrong_gradient():
    x = np.random.default_rng(1).standard_normal((4, 3))
    f = lambda v: float(np.sum(np.tanh(v)))
    right = 1 - np.tanh(x) ** 2
    assert gradient_check("tanh", f, x, right)
    wrong = right.copy()
    wrong[2, 1] *= 1.01  # one entry off by 1 %
    assert not gradient_check("tanh wrong", f, x, wrong)
