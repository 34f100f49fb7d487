# question: q1
# mistake: uses the two-class formula 2 p (1 - p) with p the share of the largest label
def gini(t):
    t = np.asarray(t)
    if t.size == 0:
        return 0.0
    p = np.mean(t == t.max())
    return float(2 * p * (1 - p))
