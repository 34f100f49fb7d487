"""Every known-wrong answer loses points on the question it targets, and on no other."""

import re

import pytest
from labkit import MASTERS, lab_id, labs, wrong_answers, wrong_header

WRONG = [(m, w) for m in MASTERS for w in wrong_answers(m)]


def wrong_id(case):
    return f"{lab_id(case[0])}/{case[1].stem}"


@pytest.mark.parametrize("master", MASTERS, ids=lab_id)
def test_every_question_has_a_wrong_answer(lab_session, master):
    points = labs.question_points(lab_session.zip(master))
    covered = {wrong_header(w)[0] for w in wrong_answers(master)}
    assert covered >= set(points), f"no wrong answer for {sorted(set(points) - covered)}"


@pytest.mark.parametrize("case", WRONG, ids=wrong_id)
def test_wrong_answer_file_format(lab_session, case):
    master, wrong = case
    lines = wrong.read_text().splitlines()
    assert re.fullmatch(r"# question: q\d+", lines[0]), f"{wrong.name}: first line {lines[0]!r}"
    assert re.fullmatch(r"# mistake: \S.*", lines[1]), f"{wrong.name}: second line {lines[1]!r}"
    question = wrong_header(wrong)[0]
    assert wrong.stem.startswith(f"{question}-"), f"name it {question}-<slug>.py"
    assert question in labs.question_points(lab_session.zip(master))
    compile(wrong.read_text(), str(wrong), "exec")


@pytest.mark.parametrize("master", MASTERS, ids=lab_id)
def test_replayed_solution_scores_full_marks(lab_session, master):
    replayed = lab_session.replayed(master)
    assert replayed["solution"] == pytest.approx(replayed["points"]), replayed["solution"]


@pytest.mark.parametrize("case", WRONG, ids=wrong_id)
def test_wrong_answer_loses_points_only_on_its_question(lab_session, case):
    master, wrong = case
    question, mistake = wrong_header(wrong)
    replayed = lab_session.replayed(master)
    scores, points = replayed[wrong.stem], replayed["points"]
    assert scores[question] < points[question], (
        f"{wrong.name} ({mistake}) still gets {scores[question]}/{points[question]} on {question}")
    hurt = {q: s for q, s in scores.items() if q != question and s < points[q]}
    assert not hurt, f"{wrong.name} also costs points on other questions: {hurt}"
