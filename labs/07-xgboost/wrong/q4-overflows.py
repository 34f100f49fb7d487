# question: q4
# mistake: computes the sigmoid as 1 / (1 + exp(-z)), which overflows for very negative z
def logistic_grad_hess(t, z):
    y = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return y - t, y * (1.0 - y)
