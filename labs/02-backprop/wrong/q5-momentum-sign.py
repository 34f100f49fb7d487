# question: q5
# mistake: the sign of the momentum term is flipped (v_new = -mu * v - lr * g)
def sgd_momentum(w, g, v, lr, mu):
    v_new = -mu * v - lr * g
    w_new = w + v_new
    return w_new, v_new
