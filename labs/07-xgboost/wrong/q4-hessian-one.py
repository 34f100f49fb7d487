# question: q4
# mistake: takes the hessian of the logistic loss as 1 (as for squared loss)
def logistic_grad_hess(t, z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    y = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return y - t, np.ones_like(y)
