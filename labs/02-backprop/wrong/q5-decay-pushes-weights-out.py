# question: q5
# mistake: adds the decay term instead of subtracting it, which pushes weights away from zero
def sgd_momentum(w, g, v, lr, mu, weight_decay=0.0):
    v_new = mu * v + lr * weight_decay * w - lr * g
    return w + v_new, v_new
