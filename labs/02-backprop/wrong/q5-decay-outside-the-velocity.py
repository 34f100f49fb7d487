# question: q5
# mistake: shrinks the weights directly (w_new = w + v_new - lr * weight_decay * w) instead of
# through the velocity, so the decay is not carried along by momentum (that is SGDW, not the
# update the question gives)
def sgd_momentum(w, g, v, lr, mu, weight_decay=0.0):
    v_new = mu * v - lr * g
    w_new = w + v_new - lr * weight_decay * w
    return w_new, v_new
