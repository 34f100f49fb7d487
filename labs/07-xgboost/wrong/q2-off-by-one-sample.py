# question: q2
# mistake: the left child takes one sample too many (threshold off by one sample)
def best_split(x, t):
    x, t = np.asarray(x, dtype=float), np.asarray(t)
    order = np.argsort(x, kind="stable")
    xs, ts = x[order], t[order]
    n, parent = len(xs), gini(t)
    best = (None, 0.0)
    for i in range(1, n):
        if xs[i] == xs[i - 1]:
            continue
        decrease = parent - ((i + 1) * gini(ts[:i + 1]) + (n - i - 1) * gini(ts[i + 1:])) / n
        if best[0] is None or decrease > best[1]:
            best = (float((xs[i - 1] + xs[i]) / 2), float(decrease))
    return best
