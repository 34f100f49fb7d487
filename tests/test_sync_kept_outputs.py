"""The sync script keeps nbval's reference outputs usable: a kept output keeps a count."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import sync_notebooks  # noqa: E402


def _code(tags, outputs, count):
    return {"cell_type": "code", "metadata": {"tags": tags}, "outputs": outputs,
            "execution_count": count, "source": "print(1)"}


def test_kept_output_keeps_a_count_and_others_are_stripped():
    # nbval fails a reference cell with outputs but no count ("Unrun reference cell has outputs").
    stream = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    kept = _code([sync_notebooks.KEEP_OUTPUT_TAG], list(stream), 7)
    plain = _code([], list(stream), 8)
    nb = {"cells": [kept, plain]}
    assert not sync_notebooks.strip(nb)
    assert kept["outputs"] == stream and kept["execution_count"] == 1
    assert plain["outputs"] == [] and plain["execution_count"] is None
    assert sync_notebooks.strip(nb)  # a second pass finds nothing to change
