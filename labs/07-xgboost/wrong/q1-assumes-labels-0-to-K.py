# question: q1
# mistake: counts with np.bincount, which assumes labels 0..K-1 (fails on negative labels)
def gini(t):
    t = np.asarray(t)
    if t.size == 0:
        return 0.0
    p = np.bincount(t.astype(int)) / t.size
    return float(1.0 - np.sum(p ** 2))
