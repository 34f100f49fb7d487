# question: q2
# mistake: the forward pass clips x in place (np.maximum(..., out=x)), destroying the caller's array
def relu_forward(x):
    out = np.maximum(x, 0.0, out=x)
    return out, x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)
