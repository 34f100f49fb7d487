# question: q4
# mistake: perturbs the caller's x in place and never puts the original value back
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = float(f(x))
        x[i] -= 2 * eps
        f_minus = float(f(x))
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
