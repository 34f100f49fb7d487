"""End-to-end grading with `scripts/labs.py grade` in the sandbox, per lab, one batch each."""

import pytest
from labkit import MASTERS, lab_id, labs, wrong_answers

pytestmark = pytest.mark.parametrize("master", MASTERS, ids=lab_id)


def scores(row, points):
    return {q: float(row[q]) for q in points}


def test_solution_scores_full_marks(lab_session, master):
    graded = lab_session.graded(master)
    row, points = graded["rows"]["solution.ipynb"], graded["points"]
    assert scores(row, points) == pytest.approx(points), row
    assert float(row["total"]) == pytest.approx(float(row["possible"])) == sum(points.values())
    assert row["reason"] == "" and row["flags"] == "", f"the solution grades cleanly: {row}"
    assert row["mode"] == "sandbox"


def test_blank_student_notebook_scores_zero_without_crashing(lab_session, master):
    graded = lab_session.graded(master)
    row = graded["rows"]["blank.ipynb"]
    assert float(row["total"]) == 0, row
    assert all(float(row[q]) == 0 for q in graded["points"]), row
    assert "could not be run" not in (graded["dir"] / "blank.txt").read_text()
    feedback = (graded["dir"] / "blank.txt").read_text()
    assert all(f"== {q}: 0 / " in feedback for q in graded["points"]), feedback[:2000]


def test_csv_has_one_column_per_question_totals_flags_and_mode(lab_session, master):
    graded = lab_session.graded(master)
    header = list(next(iter(graded["rows"].values())))
    assert header == ["submission", *graded["points"], "total", "possible", "reason", "flags",
                      "mode", "seconds"]
    for name in graded["rows"]:
        assert (graded["dir"] / name.replace(".ipynb", ".txt")).exists()
    summary = (graded["dir"] / "summary.txt").read_text()
    assert "submissions per minute" in summary and "mode sandbox" in summary, summary


def test_first_wrong_answer_graded_in_the_sandbox_matches_the_harness(lab_session, master):
    wrong = wrong_answers(master)[0]
    graded, replayed = lab_session.graded(master), lab_session.replayed(master)
    row = graded["rows"][f"wrong-{wrong.stem}.ipynb"]
    # grades.csv writes scores with three decimals (1.667 for 5/3 of a question)
    assert scores(row, graded["points"]) == pytest.approx(replayed[wrong.stem], abs=5e-4), row


def test_not_a_notebook_gets_a_row_with_a_reason(lab_session, master):
    row = lab_session.graded(master)["rows"]["not-json.ipynb"]
    assert "not a valid notebook" in row["reason"] and float(row["total"]) == 0, row


def test_nothing_keeps_running_changes_or_leaks(lab_session, master):
    after = lab_session.graded(master)["after"]
    assert after["processes"] == [], after["processes"]
    assert after["changed"] == [], f"grading changed files outside the sandbox: {after}"
    assert after["leaks"] == [], f"files reached the grader's disk: {after['leaks']}"


def test_questions_and_points_come_from_the_master(lab_session, master):
    points = lab_session.graded(master)["points"]
    assert list(points) == sorted(points, key=labs._natural_key)
    assert 4 <= len(points) <= 8, f"a lab has 4-8 questions, {lab_id(master)} has {len(points)}"
    assert all(p > 0 for p in points.values())
    assert points == labs.question_points(lab_session.zip(master)), "master and zip disagree"
