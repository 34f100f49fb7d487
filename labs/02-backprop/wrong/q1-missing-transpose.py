# question: q1
# mistake: dx = dout @ W instead of dout @ W.T (the transpose is missing)
def affine_forward(x, W, b):
    out = x @ W + b
    return out, (x, W)


def affine_backward(dout, cache):
    x, W = cache
    dx = dout @ W
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
