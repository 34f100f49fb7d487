# question: q6
# mistake: shuffles inputs and labels with two different permutations, so they no longer match
def train_mlp(X, y, hidden=128, epochs=20, lr=0.05, momentum=0.9, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    params = init_mlp(X.shape[1], hidden, n_classes, rng)
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    losses = []
    for _ in range(epochs):
        X_shuffled = X[rng.permutation(len(X))]
        y_shuffled = y[rng.permutation(len(y))]
        batch_losses = []
        for start in range(0, len(X), batch_size):
            xb = X_shuffled[start:start + batch_size]
            yb = y_shuffled[start:start + batch_size]
            h, cache1 = affine_forward(xb, params["W1"], params["b1"])
            a, cache2 = relu_forward(h)
            logits, cache3 = affine_forward(a, params["W2"], params["b2"])
            loss, dlogits = softmax_cross_entropy(logits, yb)
            da, dW2, db2 = affine_backward(dlogits, cache3)
            dh = relu_backward(da, cache2)
            _, dW1, db1 = affine_backward(dh, cache1)
            grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
            for name in params:
                params[name], velocity[name] = sgd_momentum(
                    params[name], grads[name], velocity[name], lr, momentum)
            batch_losses.append(loss)
        losses.append(float(np.mean(batch_losses)))
    return params, losses
