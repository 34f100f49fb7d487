# question: q2
# mistake: also tries thresholds between equal values, which separate nothing
def best_split(x, t):
    x, t = np.asarray(x, dtype=float), np.asarray(t)
    order = np.argsort(x, kind="stable")
    xs, ts = x[order], t[order]
    n, parent = len(xs), gini(t)
    best = (None, 0.0)
    for i in range(1, n):
        decrease = parent - (i * gini(ts[:i]) + (n - i) * gini(ts[i:])) / n
        if best[0] is None or decrease > best[1]:
            best = (float((xs[i - 1] + xs[i]) / 2), float(decrease))
    return best
