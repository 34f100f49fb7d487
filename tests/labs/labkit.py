"""Shared machinery for the lab proof tests (imported by conftest.py and the test modules).

Everything expensive happens once per test session, even with ``pytest -n 2``: the first worker
that needs a result takes a file lock, computes it into a folder shared by all workers, and the
others read it from there.

- ``lab_session.build()``: ``scripts/labs.py assign`` for every lab, into a temporary folder.
- ``lab_session.graded(master)``: ``scripts/labs.py grade`` (real ``otter run`` per submission,
  two at a time) on the solution, the blank student notebook, a submission that prints megabytes
  and raises, and the lab's first wrong answer; and, in a second batch with a short time limit,
  a submission that loops forever next to one that is not JSON.
- ``lab_session.replayed(master)``: every wrong answer of the lab graded by replaying the
  solution notebook in one kernel (see ``lab_replay.py``), because one ``otter run`` per wrong
  answer would cost about 15 CPU-seconds each.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import time
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _load_script(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


labs = _load_script("bbdl_labs_script", ROOT / "scripts" / "labs.py")

MASTERS = labs.masters()
E2E_TIMEOUT = 400  # s per submission in the main batch: generous, a loaded CI box is slow
LOOP_TIMEOUT = 25  # s for the batch holding the infinite loop


def lab_id(master: Path) -> str:
    return master.parent.name


def wrong_answers(master: Path) -> list[Path]:
    return sorted((master.parent / "wrong").glob("*.py"))


def wrong_header(path: Path) -> tuple[str, str]:
    """``(question, mistake)`` from the first two lines of a wrong answer."""
    lines = path.read_text().splitlines() + ["", ""]
    question = lines[0].removeprefix("# question:").strip()
    mistake = lines[1].removeprefix("# mistake:").strip()
    return question, mistake


def check_cell_index(notebook: dict, question: str) -> int:
    wanted = f'grader.check("{question}")'
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and labs._source(cell).strip() == wanted:
            return i
    raise LookupError(f'no grader.check("{question}") cell')


def code_cell(source: str, cell_id: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {},
            "outputs": [], "source": source}


def with_cell(notebook: dict, index: int, source: str, cell_id: str) -> dict:
    """A copy of ``notebook`` with a new code cell inserted at ``index``."""
    copy = json.loads(json.dumps(notebook))
    copy["cells"].insert(index, code_cell(source, cell_id))
    return copy


def first_code_index(notebook: dict) -> int:
    return next(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


class LabSession:
    """Lazily computed, cross-worker cached build and grading results."""

    def __init__(self, shared: Path):
        self.shared = shared
        self.build_root = shared / "build"

    def _once(self, name: str, compute):
        """Run ``compute()`` once per session across workers; it writes under shared/name."""
        folder = self.shared / name
        with FileLock(str(self.shared / f"{name}.lock")):
            if not (folder / ".done").exists():
                folder.mkdir(parents=True, exist_ok=True)
                compute(folder)
                (folder / ".done").write_text("ok")
        return folder

    def build(self) -> Path:
        def compute(folder):
            for master in MASTERS:
                labs.assign(master, build=self.build_root)
        self._once("assign", compute)
        return self.build_root

    def student(self, master) -> dict:
        self.build()
        return json.loads(labs.student_notebook(master, self.build_root).read_text())

    def solution(self, master) -> dict:
        self.build()
        return json.loads(labs.solution_notebook(master, self.build_root).read_text())

    def zip(self, master) -> Path:
        self.build()
        return labs.autograder_zip(master, self.build_root)

    def graded(self, master) -> dict:
        """Rows of grades.csv for the main batch and for the loop batch, and timings."""
        def compute(folder):
            main, loop = folder / "main", folder / "loop"
            main.mkdir()
            loop.mkdir()
            solution, student = self.solution(master), self.student(master)
            write = lambda nb, path: path.write_text(json.dumps(nb))  # noqa: E731
            write(solution, main / "solution.ipynb")
            write(student, main / "blank.ipynb")
            at = first_code_index(solution) + 1
            noisy = 'print("spam " * 600_000)\nraise RuntimeError("a bug in the submission")'
            write(with_cell(solution, at, noisy, "noisy"), main / "prints-and-raises.ipynb")
            wrong = wrong_answers(master)[0]
            question, _ = wrong_header(wrong)
            write(with_cell(solution, check_cell_index(solution, question), wrong.read_text(),
                            "wrong-answer"), main / f"wrong-{wrong.stem}.ipynb")
            started = time.monotonic()
            labs.grade(master, main, main / "graded", jobs=2, timeout=E2E_TIMEOUT,
                       build=self.build_root)
            main_seconds = time.monotonic() - started

            pid_file = loop / "kernel.pid"
            spin = (f"import os\nwith open({str(pid_file)!r}, 'w') as f:\n"
                    "    f.write(str(os.getpid()))\nwhile True:\n    pass\n")
            write(with_cell(student, first_code_index(student) + 1, spin, "spin"),
                  loop / "a-infinite-loop.ipynb")
            (loop / "b-not-json.ipynb").write_text('{"cells": [ this is not JSON')
            started = time.monotonic()
            labs.grade(master, loop, loop / "graded", jobs=2, timeout=LOOP_TIMEOUT,
                       build=self.build_root)
            (folder / "timings.json").write_text(json.dumps(
                {"main": main_seconds, "loop": time.monotonic() - started}))
        folder = self._once(f"graded-{lab_id(master)}", compute)
        return {"main": read_csv(folder / "main" / "graded" / "grades.csv"),
                "loop": read_csv(folder / "loop" / "graded" / "grades.csv"),
                "main_dir": folder / "main" / "graded", "loop_dir": folder / "loop" / "graded",
                "pid_file": folder / "loop" / "kernel.pid",
                "timings": json.loads((folder / "timings.json").read_text()),
                "points": labs.question_points(self.zip(master))}

    def replayed(self, master) -> dict:
        """``{"solution": scores, wrong_stem: scores}``, scores = {q: [score, possible]}."""
        import lab_replay

        def compute(folder):
            results = lab_replay.grade_wrong_answers(
                labs.solution_notebook(master, self.build_root), self.zip(master),
                [(w.stem, wrong_header(w)[0], w.read_text()) for w in wrong_answers(master)],
                folder)
            (folder / "scores.json").write_text(json.dumps(results, indent=1))
        folder = self._once(f"replay-{lab_id(master)}", compute)
        return json.loads((folder / "scores.json").read_text())
