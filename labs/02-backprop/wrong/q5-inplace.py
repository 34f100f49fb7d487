# question: q5
# mistake: updates w and v in place (the caller's arrays change) instead of returning new arrays
def sgd_momentum(w, g, v, lr, mu):
    v *= mu
    v -= lr * g
    w += v
    return w, v
