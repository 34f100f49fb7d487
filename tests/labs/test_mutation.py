"""Mutation testing: every non-equivalent mutant of every solution loses points on its question.

See scripts/grading/mutate.py. One test per (lab, question), so pytest-xdist spreads them; the
report of each is kept for `scripts/labs.py mutate` and teaching.md's table.
"""

import json

import pytest
from grading import mutate
from grading.checks import load_lab
from lab_replay import Harness
from labkit import MASTERS, labs

CASES = [(m, q) for m in MASTERS for q in load_lab(m).points]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0].parent.name}/{c[1]}")
def test_every_mutant_is_killed_or_listed_as_equivalent(lab_session, case, tmp_path):
    master, question = case
    lab = load_lab(master)
    solution = labs.solution_notebook(master, lab_session.build())
    report = mutate.run(lab, solution, Harness, [question]).get(question)
    assert report is not None, f"no mutants for {question}: are its solution regions marked?"
    (tmp_path / "report.json").write_text(json.dumps(report, indent=1))
    assert report["killed"], f"{question}: no mutant was killed, the tests cannot fail"
    assert not report["survived"], (
        f"{question}: {len(report['survived'])} mutant(s) survive; add a test that kills each, "
        "or list it in mutants-equivalent.txt with the reason:\n" + "\n".join(report["survived"]))
    assert not report["stale"], f"{question}: listed as equivalent but killed or gone: " \
        f"{report['stale']}"
