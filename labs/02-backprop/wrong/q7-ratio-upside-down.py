# question: q7
# mistake: divides the last layer's norm by the first's, the inverse of the ratio asked for
sigmoid_ratio = sigmoid_norms[-1] / sigmoid_norms[0]
relu_ratio = relu_norms[-1] / relu_norms[0]
