"""Small character-level language models for the sequence chapters, and their scoring.

Chapter 4 builds recurrent cells from scratch; this module holds the compact PyTorch version it
trains for the perplexity table, so that chapter 5 can put its transformer beside the same rows:

- :class:`CharLM` embeds characters, runs ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` and maps each
  hidden state to logits over the ``V`` characters;
- :func:`train_char_lm` trains one with truncated backpropagation through time: the training
  text is cut into ``batch_size`` parallel streams read ``seq_len`` characters at a time, the
  hidden state is carried from one window to the next (detached), Adam updates the weights and
  the global gradient norm is clipped at ``clip``;
- :func:`char_log_probs` scores a text: the natural-log probability of every character after
  the first given the characters before it, as :class:`utils.text.PerplexityTable` expects;
- :func:`window_log_probs` does the same for a model with a fixed context window (chapter 5's
  transformers), with strided windows and a warm-up.

Everything is seeded: the same arguments give the same model on the same machine.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn

KINDS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class CharLM(nn.Module):
    """Embedding -> recurrent layers -> linear read-out, over a vocabulary of ``vocab_size``.

    ``forward(ids, state=None)`` takes int64 ids of shape (B, S) and returns logits of shape
    (B, S, vocab_size) and the final state (a tensor, or an ``(h, c)`` pair for the LSTM), to
    be passed back in to continue the same sequences.
    """

    def __init__(self, kind: str = "lstm", vocab_size: int = 84, embed: int = 32,
                 hidden: int = 128, layers: int = 1):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
        for name, value in [("vocab_size", vocab_size), ("embed", embed), ("hidden", hidden),
                            ("layers", layers)]:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.kind, self.vocab_size = kind, vocab_size
        self.embedding = nn.Embedding(vocab_size, embed)
        self.rnn = KINDS[kind](embed, hidden, num_layers=layers, batch_first=True)
        self.readout = nn.Linear(hidden, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        if not isinstance(ids, torch.Tensor) or ids.dtype != torch.int64 or ids.dim() != 2:
            shape = tuple(ids.shape) if hasattr(ids, "shape") else type(ids).__name__
            raise ValueError(f"ids must be an int64 tensor of shape (batch, steps), got {shape}"
                             f"{' of dtype ' + str(ids.dtype) if hasattr(ids, 'dtype') else ''}")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.vocab_size):
            raise ValueError(f"ids must lie in 0..{self.vocab_size - 1}")
        hidden, state = self.rnn(self.embedding(ids), state)
        return self.readout(hidden), state


def _detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def char_log_probs(model: CharLM, text, vocab=None, streams: int = 64,
                   warmup: int = 500) -> np.ndarray:
    """Natural-log probability of each character of ``text`` after the first (len - 1 values).

    ``text`` is a string (encoded with ``vocab``, by default the Shakespeare vocabulary) or a
    1-D array of ids. ``streams=1`` runs the whole text as one sequence from the initial state,
    so character ``s`` is scored given all of characters ``0..s-1``: exact, but one time step
    after another. To be fast the text is instead cut into ``streams`` consecutive segments
    scored side by side as one batch; each segment (but the first) is preceded by the
    ``warmup`` characters before it, which are read but not scored, so every character is
    scored given at least its ``warmup`` predecessors (all of them within the first segment).
    A recurrent model's memory is far shorter than 500 characters: for chapter 4's RNN and
    LSTM on the test play the two ways agree to 5 decimals of perplexity (largest difference
    of one log-probability about 4e-6), at half the time; ``streams=1`` is the exact value.
    """
    ids = _text_ids(text, vocab)
    if isinstance(streams, bool) or not isinstance(streams, int) or streams < 1:
        raise ValueError(f"streams must be a positive int, got {streams!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}")
    ids = torch.as_tensor(ids, dtype=torch.int64)
    n = len(ids) - 1  # characters to score: ids[1:]
    size = -(-n // streams)
    starts = list(range(0, n, size))  # segment k scores targets ids[start + 1 : end + 1]
    rows, pads = [], []
    for start in starts:
        end = min(start + size, n)
        first = max(0, start - warmup)  # inputs ids[first:end] predict ids[first + 1:end + 1]
        rows.append(ids[first:end + 1])
        pads.append(start - first)
    width = max(len(r) for r in rows) - 1
    batch = torch.zeros(len(rows), width + 1, dtype=torch.int64)
    for k, r in enumerate(rows):  # right-pad; padding comes after every scored position
        batch[k, :len(r)] = r
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits, _ = model(batch[:, :-1])
        log_p = torch.log_softmax(logits.double(), dim=-1)
        picked = log_p.gather(2, batch[:, 1:, None])[..., 0]
    model.train(was_training)
    out = [picked[k, pads[k]:len(r) - 1] for k, r in enumerate(rows)]
    return torch.cat(out).numpy()


def train_char_lm(kind: str = "lstm", text: str | None = None, *, vocab=None,
                  val_text: str | None = None, embed: int = 32, hidden: int = 128,
                  layers: int = 1, steps: int = 300, seq_len: int = 64, batch_size: int = 32,
                  lr: float = 3e-3, clip: float | None = 1.0, seed: int = 0,
                  eval_every: int = 0, val_chars: int = 20_000):
    """Train a :class:`CharLM` by truncated BPTT on ``text``; returns ``(model, history)``.

    ``text`` defaults to the Shakespeare training works and ``val_text`` to the validation
    work (its first ``val_chars`` characters are scored; ``val_chars=None`` scores all of it).
    The text is cut into ``batch_size`` equal streams; step ``k`` reads window ``k`` of
    ``seq_len`` characters from every stream (wrapping round), predicts each next character,
    backpropagates through that window only and carries the detached state to the next
    window. ``clip`` is the threshold g_max of ``torch.nn.utils.clip_grad_norm_`` (``None``:
    no clipping).

    ``history`` holds ``"loss"`` (training cross-entropy per step, nats), ``"grad_norm"``
    (global gradient norm before clipping), ``"val_step"`` and ``"val_ppl"`` (validation
    perplexity every ``eval_every`` steps, and always at the end) and ``"seconds"``.
    """
    from utils.text import load_shakespeare, shakespeare_vocab

    for name, value in [("steps", steps), ("seq_len", seq_len), ("batch_size", batch_size)]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if clip is not None and not clip > 0:
        raise ValueError(f"clip must be > 0 or None, got {clip!r}")
    if text is None or val_text is None:
        corpus = load_shakespeare()
        text = corpus.train if text is None else text
        val_text = corpus.val if val_text is None else val_text
    vocab = vocab or shakespeare_vocab()
    ids = torch.from_numpy(vocab.encode(text))
    per_stream = (len(ids) - 1) // batch_size
    if per_stream < seq_len:
        raise ValueError(f"text of {len(ids):,} characters is too short for {batch_size} "
                         f"streams of at least seq_len={seq_len}")
    streams = ids[:per_stream * batch_size + 1]
    inputs_all = streams[:-1].view(batch_size, per_stream)
    targets_all = streams[1:].view(batch_size, per_stream)
    windows = per_stream // seq_len
    val_ids = vocab.encode(val_text if val_chars is None else val_text[:val_chars])

    torch.manual_seed(seed)
    model = CharLM(kind, len(vocab), embed, hidden, layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "grad_norm": [], "val_step": [], "val_ppl": []}
    state, start = None, time.perf_counter()
    for step in range(1, steps + 1):
        w = (step - 1) % windows
        if w == 0:
            state = None  # wrapped round to the start of the streams
        sl = slice(w * seq_len, (w + 1) * seq_len)
        logits, state = model(inputs_all[:, sl], _detach(state))
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)),
                                           targets_all[:, sl].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(),
                                              clip if clip is not None else math.inf)
        optimizer.step()
        history["loss"].append(loss.item())
        history["grad_norm"].append(norm.item())
        if step == steps or (eval_every and step % eval_every == 0):
            log_p = char_log_probs(model, val_ids)
            history["val_step"].append(step)
            history["val_ppl"].append(float(np.exp(-log_p.mean())))
            model.train()
    history["seconds"] = time.perf_counter() - start
    return model, history


def window_log_probs(model, text, vocab=None, context: int = 128, stride: int | None = None,
                     batch_size: int = 64) -> np.ndarray:
    """Natural-log probability of each character of ``text`` after the first (len - 1 values),
    for a model that reads at most ``context`` characters at a time (a transformer).

    ``model`` maps int64 ids of shape (B, S), S <= ``context``, to next-character logits of
    shape (B, S, V) (or a tuple whose first item is them); position ``p`` of a window may only
    depend on positions ``0..p`` (a causal model). ``text`` is a string (encoded with
    ``vocab``, by default the Shakespeare vocabulary) or a 1-D array of ids.

    Strided windows with a warm-up: the first window of ``context`` inputs scores all its
    positions, so character ``s`` (``s <= context``) is scored given all ``s`` characters
    before it. Each later window also has ``context`` inputs but starts ``stride`` characters
    after the previous one and scores only its last ``stride`` positions; the ``context -
    stride`` inputs before them are read, not scored. Every character is therefore scored once,
    given at least ``min(s, context - stride + 1)`` and at most ``context`` preceding
    characters. ``stride`` defaults to ``context // 2``; ``stride=1`` gives every character its
    full window (exact sliding window, ``context`` times the work of ``stride=context``).
    """
    ids = _text_ids(text, vocab)
    for name, value in [("context", context), ("batch_size", batch_size)]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    stride = max(1, context // 2) if stride is None else stride
    if isinstance(stride, bool) or not isinstance(stride, int) or not 1 <= stride <= context:
        raise ValueError(f"stride must be an int from 1 to context={context}, got {stride!r}")
    ids = torch.as_tensor(ids, dtype=torch.int64)
    n = len(ids) - 1  # targets ids[1:]; target j is predicted from ids[..j]
    width = min(context, n)
    # blocks (b, e) of targets j in b..e-1, each scored by the window of inputs ids[e-width:e]
    blocks = [(0, width)] + [(b, min(b + stride, n)) for b in range(width, n, stride)]
    starts = torch.tensor([e - width for _, e in blocks])
    where = starts[:, None] + torch.arange(width + 1)  # inputs and the target after the last
    was_training = model.training
    model.eval()
    picked = []
    with torch.no_grad():
        for k in range(0, len(blocks), batch_size):
            rows = ids[where[k:k + batch_size]]
            logits = model(rows[:, :-1])
            logits = logits[0] if isinstance(logits, tuple) else logits
            if logits.ndim != 3 or tuple(logits.shape[:2]) != tuple(rows[:, :-1].shape):
                raise ValueError(f"the model must return logits of shape (B, S, V) for ids of "
                                 f"shape {tuple(rows[:, :-1].shape)}, got "
                                 f"{tuple(logits.shape)}")
            log_p = torch.log_softmax(logits.double(), dim=-1)
            picked.append(log_p.gather(2, rows[:, 1:, None])[..., 0])
    model.train(was_training)
    picked = torch.cat(picked)
    out = [picked[k, width - (e - b):] for k, (b, e) in enumerate(blocks)]
    return torch.cat(out).numpy()


def _text_ids(text, vocab):
    """A 1-D array of ids from a string (encoded with ``vocab``, by default Shakespeare's) or
    from ids; at least two of them, since the first is context and is not scored."""
    if isinstance(text, str):
        if vocab is None:
            from utils.text import shakespeare_vocab
            vocab = shakespeare_vocab()
        ids = vocab.encode(text)
    else:
        ids = np.asarray(text)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"text must be a string or a 1-D array of integer ids, got shape "
                             f"{ids.shape} and dtype {ids.dtype}")
    if len(ids) < 2:
        raise ValueError("need at least two characters: the first is context, not scored")
    return ids
