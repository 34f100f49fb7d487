# question: q5
# mistake: moves w with the old velocity before updating it (w_new = w + v)
def sgd_momentum(w, g, v, lr, mu):
    w_new = w + v
    v_new = mu * v - lr * g
    return w_new, v_new
