# question: q2
# mistake: scans the examples in the order given, without sorting by the feature
def best_split(x, t):
    x, t = np.asarray(x, dtype=float), np.asarray(t)
    n, parent = len(x), gini(t)
    best = (None, 0.0)
    for i in range(1, n):
        if x[i] == x[i - 1]:
            continue
        decrease = parent - (i * gini(t[:i]) + (n - i) * gini(t[i:])) / n
        if best[0] is None or decrease > best[1]:
            best = (float((x[i - 1] + x[i]) / 2), float(decrease))
    return best
