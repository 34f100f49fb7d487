# question: q4
# mistake: a one-sided forward difference (f(x + eps) - f(x)) / eps, with a huge default eps
def numerical_gradient(f, x, eps=1e-2):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f_x = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (float(f(x)) - f_x) / eps
        x[i] = old
    return grad
