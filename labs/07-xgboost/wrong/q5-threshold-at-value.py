# question: q5
# mistake: puts the threshold at the left value, so with x < threshold that value goes right
def boost_round(X, t, z, max_depth=3, eta=0.3, lam=1.0):
    X, t, z = np.asarray(X, dtype=float), np.asarray(t, dtype=float), np.asarray(z, dtype=float)
    g, h = logistic_grad_hess(t, z)
    f = np.zeros(len(t))

    def grow(rows, depth):
        G, H = g[rows].sum(), h[rows].sum()
        best_gain, best = 0.0, None
        if depth < max_depth:
            for d in range(X.shape[1]):
                order = rows[np.argsort(X[rows, d], kind="stable")]
                x = X[order, d]
                G_L, H_L = np.cumsum(g[order])[:-1], np.cumsum(h[order])[:-1]
                gain = split_gain(G_L, H_L, G - G_L, H - H_L, lam, 0.0)
                gain[x[1:] == x[:-1]] = -np.inf
                if len(gain) and gain.max() > best_gain:
                    i = int(gain.argmax())
                    best_gain, best = gain[i], (d, x[i])
        if best is None:
            f[rows] = leaf_weight(G, H, lam)
            return
        d, threshold = best
        left = X[rows, d] < threshold
        grow(rows[left], depth + 1)
        grow(rows[~left], depth + 1)

    grow(np.arange(len(t)), 0)
    return z + eta * f
