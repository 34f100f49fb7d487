"""utils.lm: the character language models of the perplexity table (chapters 4 and 5)."""

import numpy as np
import pytest
import torch

from utils.lm import CharLM, char_log_probs, train_char_lm, window_log_probs
from utils.text import CharVocab

TEXT = ("to be, or not to be, that is the question:\n"
        "whether 'tis nobler in the mind to suffer\n") * 40
VOCAB = CharVocab(TEXT)


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_forward_shapes_and_carried_state(kind):
    torch.manual_seed(0)
    model = CharLM(kind, vocab_size=len(VOCAB), embed=8, hidden=16, layers=2)
    ids = torch.from_numpy(VOCAB.encode(TEXT[:30])).view(3, 10)
    logits, state = model(ids)
    assert logits.shape == (3, 10, len(VOCAB))
    h = state[0] if kind == "lstm" else state
    assert h.shape == (2, 3, 16)
    # running two halves with the carried state equals running the whole
    first, mid = model(ids[:, :4])
    second, _ = model(ids[:, 4:], mid)
    assert torch.allclose(torch.cat([first, second], 1), logits, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_log_probs_have_one_value_per_scored_character_and_normalise(kind):
    torch.manual_seed(1)
    model = CharLM(kind, vocab_size=len(VOCAB), embed=8, hidden=16)
    text = TEXT[:200]
    log_p = char_log_probs(model, text, VOCAB, streams=1)  # exact: one sequence
    assert log_p.shape == (len(text) - 1,)
    assert np.all(log_p <= 0)
    ids = torch.from_numpy(VOCAB.encode(text)).view(1, -1)
    with torch.no_grad():
        logits, _ = model(ids)
    full = torch.log_softmax(logits[0].double(), -1)
    # every row sums to one over the vocabulary, and we picked the next character's entry
    assert torch.allclose(full.exp().sum(-1), torch.ones(len(text), dtype=torch.float64))
    expected = full[:-1].gather(1, ids[0, 1:].view(-1, 1)).view(-1).numpy()
    np.testing.assert_allclose(log_p, expected, atol=1e-5)


def test_batched_scoring_with_a_long_enough_warmup_is_exact():
    torch.manual_seed(2)
    model = CharLM("lstm", vocab_size=len(VOCAB), embed=8, hidden=16)
    text = TEXT[:301]
    exact = char_log_probs(model, text, VOCAB, streams=1)
    batched = char_log_probs(model, text, VOCAB, streams=7, warmup=300)
    np.testing.assert_allclose(batched, exact, atol=1e-5)
    short = char_log_probs(model, text, VOCAB, streams=7, warmup=20)
    assert short.shape == exact.shape
    np.testing.assert_allclose(short[:43], exact[:43], atol=1e-5)  # the first segment is exact


def test_training_is_deterministic_and_lowers_the_loss():
    kwargs = dict(text=TEXT, vocab=VOCAB, val_text=TEXT[:300], embed=8, hidden=32,
                  steps=40, seq_len=16, batch_size=8, lr=1e-2, seed=3)
    model_a, hist_a = train_char_lm("lstm", **kwargs)
    model_b, hist_b = train_char_lm("lstm", **kwargs)
    assert hist_a["loss"] == hist_b["loss"]
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(p, q)
    assert np.mean(hist_a["loss"][-5:]) < 0.7 * np.mean(hist_a["loss"][:5])
    assert hist_a["val_step"] == [40] and hist_a["val_ppl"][0] < len(VOCAB)
    assert len(hist_a["grad_norm"]) == 40


def test_clipping_changes_the_run_and_the_logged_norm_is_before_clipping():
    kwargs = dict(text=TEXT, vocab=VOCAB, val_text=TEXT[:100], embed=8, hidden=16, steps=5,
                  seq_len=8, batch_size=4, seed=0)
    _, clipped = train_char_lm("rnn", clip=1e-3, **kwargs)
    _, free = train_char_lm("rnn", clip=None, **kwargs)
    assert clipped["grad_norm"][0] == pytest.approx(free["grad_norm"][0])  # norm before clip
    assert clipped["loss"][1:] != free["loss"][1:]


def test_clear_errors():
    with pytest.raises(ValueError, match="kind must be one of"):
        CharLM("transformer")
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        CharLM("lstm", hidden=0)
    model = CharLM("gru", vocab_size=len(VOCAB), embed=4, hidden=4)
    with pytest.raises(ValueError, match="shape \\(batch, steps\\)"):
        model(torch.zeros(5, dtype=torch.int64))
    with pytest.raises(ValueError, match="int64"):
        model(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="must lie in"):
        model(torch.full((1, 3), len(VOCAB), dtype=torch.int64))
    with pytest.raises(ValueError, match="at least two characters"):
        char_log_probs(model, "a", VOCAB)
    with pytest.raises(ValueError, match="1-D array"):
        char_log_probs(model, np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="too short"):
        train_char_lm("rnn", text=TEXT[:50], vocab=VOCAB, val_text=TEXT[:20], seq_len=64)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        train_char_lm("rnn", text=TEXT, vocab=VOCAB, val_text=TEXT[:20], steps=0)


# -- window_log_probs: scoring a model with a fixed context window (chapter 5) -----------------

class _ContextLength(torch.nn.Module):
    """A causal 'model' whose logit for id 0 at window position p is p + 1, the number of
    inputs it has seen: on a text of zeros, log p(0) reveals each character's context."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.vocab_size = vocab_size

    def forward(self, ids):
        B, S = ids.shape
        logits = torch.zeros(B, S, self.vocab_size)
        logits[..., 0] = torch.arange(1, S + 1, dtype=torch.float32)
        return logits


def _seen(log_p, vocab_size=5):
    """Invert log p(0) = z - log(e^z + V - 1) for the context length z."""
    p = np.exp(log_p)
    return np.round(np.log((vocab_size - 1) * p / (1 - p))).astype(int)


@pytest.mark.parametrize("n, context, stride", [(300, 32, 16), (301, 32, 7), (20, 32, 16),
                                                (100, 10, 10), (50, 8, 1)])
def test_window_scoring_gives_every_character_its_promised_context(n, context, stride):
    log_p = window_log_probs(_ContextLength(), np.zeros(n, dtype=np.int64), context=context,
                             stride=stride)
    assert log_p.shape == (n - 1,) and log_p.dtype == np.float64
    seen = _seen(log_p)
    j = np.arange(n - 1)  # target j is predicted from ids[0..j]
    first = j < context
    assert np.array_equal(seen[first], j[first] + 1)  # the first window: everything before
    later = seen[~first]
    assert np.all(later >= context - stride + 1) and np.all(later <= context)


class _TinyCausal(torch.nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, 16)
        self.layer = torch.nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
        self.head = torch.nn.Linear(16, vocab_size)

    def forward(self, ids):
        mask = torch.nn.Transformer.generate_square_subsequent_mask(ids.shape[1])
        return self.head(self.layer(self.embed(ids), src_mask=mask, is_causal=True))


def test_window_scoring_matches_a_full_forward_for_a_causal_model():
    torch.manual_seed(3)
    model = _TinyCausal(len(VOCAB)).eval()
    text = TEXT[:90]
    ids = torch.from_numpy(VOCAB.encode(text)).view(1, -1)
    with torch.no_grad():
        full = torch.log_softmax(model(ids[:, :-1])[0].double(), -1)
    expected = full.gather(1, ids[0, 1:, None])[:, 0].numpy()
    whole = window_log_probs(model, text, VOCAB, context=128, batch_size=3)
    np.testing.assert_allclose(whole, expected, atol=1e-5)  # one window holds everything
    windowed = window_log_probs(model, text, VOCAB, context=32, stride=8, batch_size=3)
    np.testing.assert_allclose(windowed[:32], expected[:32], atol=1e-5)
    assert not np.allclose(windowed[32:], expected[32:], atol=1e-5)  # a shorter context


def test_window_scoring_restores_training_mode_and_checks_arguments():
    model = CharLM("rnn", vocab_size=len(VOCAB), embed=8, hidden=16)
    model.train()
    log_p = window_log_probs(model, TEXT[:100], VOCAB, context=16)
    assert model.training and log_p.shape == (99,)
    for kwargs in [dict(context=0), dict(context=8, stride=9), dict(stride=0),
                   dict(batch_size=0), dict(context=True)]:
        with pytest.raises(ValueError):
            window_log_probs(model, TEXT[:100], VOCAB, **kwargs)
    with pytest.raises(ValueError, match="at least two"):
        window_log_probs(model, "t", VOCAB)
    with pytest.raises(ValueError, match="1-D"):
        window_log_probs(model, np.zeros((2, 5), np.int64))
    with pytest.raises(ValueError, match=r"\(B, S, V\)"):
        window_log_probs(torch.nn.Identity(), np.zeros(20, np.int64), context=8)
