# question: q4
# mistake: the gradient has the wrong sign, t - y (the residual, which is minus the gradient)
def logistic_grad_hess(t, z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    y = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return t - y, y * (1.0 - y)
