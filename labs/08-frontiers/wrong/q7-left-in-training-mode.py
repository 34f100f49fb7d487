# question: q7
# mistake: returns the model in training mode
import torch
import torch.nn.functional as F


def train_robust_cnn(seed=0, epochs=3, n_train=None):
    model = train_cnn(adversarial_batch, seed=seed, epochs=epochs, n_train=n_train)  # noqa: F821
    return model.train()
