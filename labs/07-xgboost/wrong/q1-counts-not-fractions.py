# question: q1
# mistake: squares the class counts instead of the class fractions
def gini(t):
    t = np.asarray(t)
    if t.size == 0:
        return 0.0
    _, counts = np.unique(t, return_counts=True)
    return float(1.0 - np.sum(counts ** 2) / t.size)
