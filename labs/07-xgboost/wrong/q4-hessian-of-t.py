# question: q4
# mistake: the hessian uses the targets, t (1 - y), instead of y (1 - y)
def logistic_grad_hess(t, z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    y = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return y - t, t * (1.0 - y)
