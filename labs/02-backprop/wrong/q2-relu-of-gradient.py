# question: q2
# mistake: the backward pass applies ReLU to the upstream gradient instead of masking by the input
def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    return np.maximum(dout, 0.0)
