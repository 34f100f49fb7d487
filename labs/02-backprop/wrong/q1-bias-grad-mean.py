# question: q1
# mistake: db averages the upstream gradient over the batch instead of summing it
def affine_forward(x, W, b):
    out = x @ W + b
    return out, (x, W)


def affine_backward(dout, cache):
    x, W = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.mean(axis=0)
    return dx, dW, db
