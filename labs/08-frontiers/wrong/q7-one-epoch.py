# question: q7
# mistake: stops after one epoch, too early for the target
import torch
import torch.nn.functional as F


def train_robust_cnn(seed=0, epochs=1, n_train=None):
    return train_cnn(adversarial_batch, seed=seed, epochs=epochs, n_train=n_train)  # noqa: F821
