# question: q2
# mistake: the backward pass lets the gradient through where x < 0 instead of x > 0
def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    x = cache
    return dout * (x < 0)
