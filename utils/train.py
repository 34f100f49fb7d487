"""A short, readable PyTorch training loop for later chapters.

Chapters 1 and 2 write their loops by hand first; once that is understood, ``fit`` saves
repeating it. It is deliberately plain: read it top to bottom in a minute.
"""

from __future__ import annotations

import torch
from tqdm.auto import tqdm


@torch.no_grad()
def evaluate(model, loader, loss_fn):
    """Mean loss and accuracy of a classifier over a DataLoader."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        logits = model(xb)
        total_loss += loss_fn(logits, yb).item() * len(yb)
        correct += (logits.argmax(dim=1) == yb).sum().item()
        count += len(yb)
    if count == 0:
        raise ValueError("the loader yielded no examples")
    return total_loss / count, correct / count


def fit(model, train_loader, loss_fn, optimizer, epochs: int, val_loader=None,
        progress: bool = True) -> dict:
    """Train ``model`` for ``epochs`` passes over ``train_loader``.

    Returns a history dict of per-epoch lists: ``train_loss`` (mean over the epoch's batches),
    and with a ``val_loader`` also ``val_loss`` and ``val_acc``.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    history = {"train_loss": []}
    if val_loader is not None:
        history.update(val_loss=[], val_acc=[])
    for _ in tqdm(range(epochs), desc="epochs", disable=not progress, leave=False):
        model.train()
        running, count = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(yb)
            count += len(yb)
        history["train_loss"].append(running / count)
        if val_loader is not None:
            val_loss, val_acc = evaluate(model, val_loader, loss_fn)
            history["val_loss"].append(val_loss)
            history["val_acc"].append(val_acc)
    return history


def loaders(split, batch_size: int = 64, seed: int = 0):
    """Wrap a :class:`utils.data.Split` as shuffled train and ordered test DataLoaders."""
    from torch.utils.data import DataLoader, TensorDataset

    X_train, y_train, X_test, y_test = (torch.as_tensor(a) for a in split)
    generator = torch.Generator().manual_seed(seed)
    train = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                       generator=generator)
    test = DataLoader(TensorDataset(X_test, y_test), batch_size=1024)
    return train, test
