# question: q7
# mistake: always trains with seed 0
import torch
import torch.nn.functional as F


def train_robust_cnn(seed=0, epochs=3, n_train=None):
    return train_cnn(adversarial_batch, seed=0, epochs=epochs, n_train=n_train)  # noqa: F821
