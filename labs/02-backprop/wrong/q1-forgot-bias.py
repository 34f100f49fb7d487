# question: q1
# mistake: the forward pass forgets to add the bias
def affine_forward(x, W, b):
    out = x @ W
    return out, (x, W)


def affine_backward(dout, cache):
    x, W = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
