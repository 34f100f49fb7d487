# question: q7
# mistake: trains on the clean batches, which resists no attack
import torch
import torch.nn.functional as F


def train_robust_cnn(seed=0, epochs=3, n_train=None):
    return train_cnn(clean_batch, seed=seed, epochs=epochs, n_train=n_train)  # noqa: F821
