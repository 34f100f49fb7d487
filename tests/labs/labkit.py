"""Shared machinery for the lab proof tests (imported by conftest.py and the test modules).

Everything expensive happens once per test session, even with ``pytest -n 2``: the first worker
that needs a result takes a file lock, computes it into a folder shared by all workers, and the
others read it from there.

- ``lab_session.build()``: ``scripts/labs.py assign`` for every lab, into a temporary folder.
- ``lab_session.graded(master)``: ``scripts/labs.py grade`` in the sandbox on the solution, the
  blank student notebook, the lab's first wrong answer and one that is not JSON, and for Lab 1
  also a submission that prints megabytes and raises, one that loops forever in a cell and the
  hostile corpus of ``hostile.py``, all in one batch.
- ``lab_session.replayed(master)``: every wrong answer of the lab graded in the fast harness of
  ``lab_replay.py``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import sys
import time
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "scripts"))


def _load_script(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


labs = _load_script("bbdl_labs_script", ROOT / "scripts" / "labs.py")

from grading.checks import Submission, load_lab  # noqa: E402
from grading.session import Limits  # noqa: E402

MASTERS = labs.masters()
E2E_TIMEOUT = 900  # s per submission: generous, a loaded CI box is slow
E2E_LIMITS = Limits(cell_s=120, call_s=120)
LOOP_MARK = "bbdl-spin"


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


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


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

    def lab(self, master):
        return load_lab(master)

    def graded(self, master) -> dict:
        """Rows of grades.csv for the batch, its summary, and what the hostile corpus left."""
        def compute(folder):
            import hostile

            batch = folder / "batch"
            batch.mkdir()
            solution, student = self.solution(master), self.student(master)
            write = lambda nb, path: path.write_text(json.dumps(nb))  # noqa: E731
            at = first_code_index(solution) + 1
            write(solution, batch / "solution.ipynb")
            write(student, batch / "blank.ipynb")
            wrong = wrong_answers(master)[0]
            question, _ = wrong_header(wrong)
            write(with_cell(solution, check_cell_index(solution, question), wrong.read_text(),
                            "wrong-answer"), batch / f"wrong-{wrong.stem}.ipynb")
            (batch / "not-json.ipynb").write_text('{"cells": [ this is not JSON')
            corpus = {}
            if master.parent.name.startswith("01"):
                # How the grader copes with misbehaving submissions does not depend on the lab
                # (scripts/grading is shared): proven once, on Lab 1, to keep `make test` short.
                noisy = 'print("spam " * 600_000)\nraise RuntimeError("a bug in the submission")'
                spin = f"# {LOOP_MARK}\nwhile True:\n    pass\n"
                corpus = {"prints-and-raises": with_cell(solution, at, noisy, "noisy"),
                          "infinite-loop": with_cell(solution, at, spin, "spin"),
                          **hostile.corpus(solution, student, folder, self.zip(master))}
            for name, notebook in corpus.items():
                write(notebook, batch / f"{name}.ipynb")
            guarded = sorted((ROOT / "labs").rglob("*")) + sorted(self.build_root.rglob("*"))
            before = digest(guarded)
            started = time.monotonic()
            limits = Limits(**E2E_LIMITS.__dict__)
            limits.cell_s = 60  # the infinite loop costs this much once
            labs.grade(master, batch, batch / "graded", jobs=2, timeout=E2E_TIMEOUT,
                       build=self.build_root, seed=7, limits=limits)
            (folder / "after.json").write_text(json.dumps({
                "seconds": time.monotonic() - started, "changed": sorted(
                    p for p, h in digest(guarded).items() if before.get(p) != h),
                "leaks": hostile.leaks(folder), "processes": hostile.survivors()}))
        folder = self._once(f"graded-{lab_id(master)}", compute)
        return {"rows": read_csv(folder / "batch" / "graded" / "grades.csv"),
                "dir": folder / "batch" / "graded",
                "after": json.loads((folder / "after.json").read_text()),
                "points": load_lab(master).points}

    def replayed(self, master) -> dict:
        """``{"solution": scores, wrong_stem: scores}`` from the fast harness."""
        import lab_replay

        def compute(folder):
            lab = load_lab(master)
            solution = labs.solution_notebook(master, self.build_root)
            harness = lab_replay.Harness(lab, solution)
            source = Submission(json.loads(solution.read_text()))
            try:
                results = {"solution": harness.grade().scores}
                for wrong in wrong_answers(master):
                    question, _ = wrong_header(wrong)
                    names = set(Submission({"cells": [code_cell(wrong.read_text(), "w")]})
                                .functions)
                    asked = lab_replay.dependents(lab, source, question, names)
                    scores = dict(results["solution"])
                    scores.update(harness.grade(wrong.read_text(), asked).scores)
                    results[wrong.stem] = scores
            finally:
                harness.close()
            results["points"] = lab.points
            (folder / "scores.json").write_text(json.dumps(results, indent=1))
        folder = self._once(f"replay-{lab_id(master)}", compute)
        return json.loads((folder / "scores.json").read_text())
