"""End-to-end grading with `scripts/labs.py grade` (real `otter run`, no Docker), per lab."""

import time

import pytest
from labkit import LOOP_TIMEOUT, MASTERS, lab_id, labs, wrong_answers

pytestmark = pytest.mark.parametrize("master", MASTERS, ids=lab_id)


def scores(row, points):
    return {q: float(row[q]) for q in points}


def test_solution_scores_full_marks(lab_session, master):
    graded = lab_session.graded(master)
    row, points = graded["main"]["solution.ipynb"], graded["points"]
    assert scores(row, points) == pytest.approx(points), row
    assert float(row["total"]) == pytest.approx(float(row["possible"])) == sum(points.values())
    assert row["reason"] == "", f"the solution should grade cleanly: {row['reason']}"


def test_blank_student_notebook_scores_zero_without_crashing(lab_session, master):
    graded = lab_session.graded(master)
    row = graded["main"]["blank.ipynb"]
    assert float(row["total"]) == 0, row
    assert all(float(row[q]) == 0 for q in graded["points"]), row
    assert "otter run failed" not in row["reason"] and "time limit" not in row["reason"], row
    feedback = (graded["main_dir"] / "blank.txt").read_text()
    assert all(f"== {q}: 0 / " in feedback for q in graded["points"]), feedback[:2000]


def test_csv_has_one_column_per_question_and_totals(lab_session, master):
    graded = lab_session.graded(master)
    header = list(next(iter(graded["main"].values())))
    assert header == ["submission", *graded["points"], "total", "possible", "reason"]
    assert len(graded["main"]) == 4
    for name in graded["main"]:
        assert (graded["main_dir"] / name.replace(".ipynb", ".txt")).exists()


def test_megabytes_of_output_and_errors_are_reported_and_grading_goes_on(lab_session, master):
    graded = lab_session.graded(master)
    row = graded["main"]["prints-and-raises.ipynb"]
    assert "MB of output" in row["reason"], row["reason"]
    assert "raised an error, the first RuntimeError: a bug in the submission" in row["reason"]
    assert float(row["total"]) == pytest.approx(sum(graded["points"].values())), row


def test_first_wrong_answer_graded_by_otter_run_matches_the_replay(lab_session, master):
    wrong = wrong_answers(master)[0]
    graded, replayed = lab_session.graded(master), lab_session.replayed(master)
    row = graded["main"][f"wrong-{wrong.stem}.ipynb"]
    expected = {q: score for q, (score, _) in replayed[wrong.stem].items()}
    assert scores(row, graded["points"]) == pytest.approx(expected), row


def test_infinite_loop_is_stopped_and_the_batch_goes_on(lab_session, master):
    graded = lab_session.graded(master)
    loop = graded["loop"]["a-infinite-loop.ipynb"]
    assert "time limit" in loop["reason"], loop
    assert float(loop["total"]) == 0
    other = graded["loop"]["b-not-json.ipynb"]
    assert "not a valid notebook" in other["reason"], other
    assert float(other["total"]) == 0
    assert graded["timings"]["loop"] < LOOP_TIMEOUT + 60, graded["timings"]
    pid_file = graded["pid_file"]
    if pid_file.exists():  # the kernel got as far as the loop: it must be gone now
        import psutil

        pid = int(pid_file.read_text())
        deadline = time.monotonic() + 10
        while psutil.pid_exists(pid) and time.monotonic() < deadline:
            try:
                if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
            time.sleep(0.5)
        alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        assert not alive, f"the looping kernel (pid {pid}) survived the time limit"


def test_questions_and_points_come_from_the_autograder(lab_session, master):
    points = labs.question_points(lab_session.zip(master))
    assert list(points) == sorted(points, key=labs._natural_key)
    assert 4 <= len(points) <= 8, f"a lab has 4-8 questions, {lab_id(master)} has {len(points)}"
    assert all(p > 0 for p in points.values())
