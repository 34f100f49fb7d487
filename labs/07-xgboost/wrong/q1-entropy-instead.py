# question: q1
# mistake: computes the entropy in bits, not the Gini impurity
def gini(t):
    t = np.asarray(t)
    if t.size == 0:
        return 0.0
    _, counts = np.unique(t, return_counts=True)
    p = counts / t.size
    return float(-np.sum(p * np.log2(p)))
