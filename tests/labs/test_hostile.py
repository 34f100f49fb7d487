"""Submissions that misbehave, graded in Lab 1's batch with the solution and the blank notebook
(see labkit.LabSession.graded): megabytes of output, an error, an infinite loop, and the hostile
corpus of hostile.py, each graded on its honest content."""

import pytest
from hostile import MARK
from labkit import LOOP_MARK, MASTERS

LAB1 = [m for m in MASTERS if m.parent.name.startswith("01")]
pytestmark = pytest.mark.parametrize("master", LAB1, ids=lambda m: m.parent.name)


def rows(lab_session, master):
    graded = lab_session.graded(master)
    return graded, {k: v for k, v in graded["rows"].items() if k.startswith(MARK)}


def test_hostile_submissions_get_what_their_honest_content_earns(lab_session, master):
    graded, hostile = rows(lab_session, master)
    assert len(hostile) == 3, sorted(graded["rows"])
    full = sum(graded["points"].values())
    for name, row in hostile.items():
        expected = 0.0 if "blank" in name else full
        assert float(row["total"]) == pytest.approx(expected), (name, row)


def test_hostile_submissions_are_flagged_and_honest_ones_are_not(lab_session, master):
    graded, hostile = rows(lab_session, master)
    for name, row in hostile.items():
        assert row["flags"], f"{name} did hostile things but has no flags: {row}"
    tamper = hostile[f"{MARK}tamper-blank.ipynb"]["flags"]
    for expected in ("replaces np.testing.assert_allclose", "read another process's /proc",
                     "imports otter outside the setup cell", "symbolic link"):
        assert expected in tamper, f"{expected!r} missing from the flags: {tamper}"
    processes = hostile[f"{MARK}processes-solution.ipynb"]["flags"]
    assert "start a process" in processes or "subprocess" in processes, processes
    assert graded["rows"]["solution.ipynb"]["flags"] == ""
    assert graded["rows"]["blank.ipynb"]["flags"] == ""


def test_later_submissions_are_not_moved(lab_session, master):
    graded = lab_session.graded(master)
    assert float(graded["rows"]["blank.ipynb"]["total"]) == 0
    assert float(graded["rows"]["solution.ipynb"]["total"]) == sum(graded["points"].values())


def test_megabytes_of_output_and_errors_are_reported_and_grading_goes_on(lab_session, master):
    graded = lab_session.graded(master)
    row = graded["rows"]["prints-and-raises.ipynb"]
    assert "MB of output" in row["reason"], row["reason"]
    assert "raised an error, the first RuntimeError: a bug in the submission" in row["reason"]
    assert float(row["total"]) == pytest.approx(sum(graded["points"].values())), row


def test_an_infinite_loop_costs_only_its_cell(lab_session, master):
    """The looping cell is stopped and skipped; the rest of the notebook earns its marks."""
    graded = lab_session.graded(master)
    row = graded["rows"]["infinite-loop.ipynb"]
    assert "ran longer than the cell limit" in row["reason"], row
    assert float(row["total"]) == pytest.approx(sum(graded["points"].values())), row
    assert LOOP_MARK  # the spinning kernel is gone: see test_nothing_keeps_running
