"""Mutation testing: every non-equivalent mutant of every solution loses points on its question.

See scripts/grading/mutate.py. One test per lab (one harness start each; pytest-xdist runs the
labs side by side); `scripts/labs.py mutate --lab NN` prints the same report as a table.
"""

import json

import pytest
from grading import mutate
from grading.checks import load_lab
from lab_replay import Harness
from labkit import MASTERS, lab_id, labs


@pytest.mark.parametrize("master", MASTERS, ids=lab_id)
def test_every_mutant_is_killed_or_listed_as_equivalent(lab_session, master, tmp_path):
    lab = load_lab(master)
    report = mutate.run(lab, labs.solution_notebook(master, lab_session.build()), Harness)
    (tmp_path / "report.json").write_text(json.dumps(report, indent=1))
    problems = []
    for question in lab.points:
        r = report.get(question)
        if r is None or not r["killed"]:
            problems.append(f"{question}: no mutant was killed (are its solutions marked?)")
            continue
        problems += [f"{question}: survives: {ident}" for ident in r["survived"]]
        problems += [f"{question}: listed as equivalent but killed or gone: {ident}"
                     for ident in r["stale"]]
    totals = {q: {k: len(v) for k, v in r.items()} for q, r in report.items()}
    print(f"mutation report for {lab_id(master)}: {totals}")
    assert not problems, ("add a check that kills each survivor, or list it in "
                          "mutants-equivalent.txt with the reason:\n" + "\n".join(problems))
