"""Grade every wrong answer of a lab by replaying the solution notebook in one kernel.

A wrong submission is the solution notebook with the wrong answer's code inserted as a new cell
right before ``grader.check("qK")``. Grading it means: run the notebook top to bottom and, at each
``grader.check("qJ")`` cell, run all of qJ's tests (the hidden ones too) against the notebook's
globals, as ``otter run`` does. Up to the insertion point every wrong submission is the solution,
so this module runs the solution once, snapshots the globals right before each check cell, and
for each wrong answer restores the snapshot of its question, runs the inserted code and then the
rest of the notebook's cells, grading at every check cell with otter's own test runner
(``otter.test_files``) on the autograder zip's test files. The scores are otter's. One
``otter run`` gives the same numbers (a test compares them for one wrong answer per lab) but
costs a fresh kernel and ~15 CPU-seconds per submission.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK = re.compile(r'^\s*grader\.check\("(\w+)"\)\s*$')

HELPERS = r'''
import os as _bbdl_os
_bbdl_os.environ.setdefault("OMP_NUM_THREADS", "1")
_bbdl_os.environ.setdefault("MPLBACKEND", "Agg")
import copy as _bbdl_copy
import json as _bbdl_json
from otter.test_files import create_test_file as _bbdl_create_test_file

_BBDL_TESTS = {tests!r}
_BBDL_SKIP = {{"In", "Out", "exit", "quit", "get_ipython"}}


def _bbdl_keep(name):
    return not name.startswith("_") and name not in _BBDL_SKIP


def _bbdl_copy_value(value):
    try:
        return _bbdl_copy.deepcopy(value)
    except Exception:  # modules and the like are shared, not copied
        return value


def _bbdl_snapshot():
    return {{k: _bbdl_copy_value(v) for k, v in globals().items() if _bbdl_keep(k)}}


def _bbdl_restore(snapshot):
    g = globals()
    for name in [k for k in g if _bbdl_keep(k) and k not in snapshot]:
        del g[name]
    g.update({{k: _bbdl_copy_value(v) for k, v in snapshot.items()}})


def _bbdl_grade(question):
    test = _bbdl_create_test_file(f"{{_BBDL_TESTS}}/{{question}}.py", None)
    test.run(globals())
    print("BBDL-SCORE " + _bbdl_json.dumps([question, test.score, test.possible]))


_bbdl_snapshots = {{}}
'''


def check_question(source: str) -> str | None:
    match = CHECK.match(source.strip())
    return match.group(1) if match else None


class _Kernel:
    """Run code strings in one kernel; collect their text output."""

    def __init__(self, cwd: Path):
        # nbclient stores each executed cell in nb.cells[index]: one slot, reused.
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
        self.client = NotebookClient(notebook, kernel_name="python3",
                                     timeout=600, allow_errors=True,
                                     resources={"metadata": {"path": str(cwd)}})

    def run(self, source: str) -> str:
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0)
        text = []
        for out in cell.outputs:
            if out.get("output_type") == "stream":
                text.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                text.append(f"ERROR {out.get('ename')}: {out.get('evalue')}\n")
        return "".join(text)

    def grade(self, question: str) -> dict[str, list[float]]:
        text = self.run(f"_bbdl_grade({question!r})")
        for line in text.splitlines():
            if line.startswith("BBDL-SCORE "):
                name, score, possible = json.loads(line.removeprefix("BBDL-SCORE "))
                return {name: [float(score), float(possible)]}
        raise RuntimeError(f"grading {question} printed no score:\n{text}")


def _replay(kernel: _Kernel, sources: list[str], snapshot: bool) -> dict[str, list[float]]:
    scores = {}
    for source in sources:
        question = check_question(source)
        if question and snapshot:
            kernel.run(f"_bbdl_snapshots[{question!r}] = _bbdl_snapshot()")
        kernel.run(source)
        if question:
            scores.update(kernel.grade(question))
    return scores


def grade_wrong_answers(solution: Path, autograder_zip: Path,
                        wrongs: list[tuple[str, str, str]], work: Path) -> dict:
    """Scores ``{"solution": {q: [score, possible]}, name: {...}}`` for each wrong answer.

    ``wrongs`` holds ``(name, question, code)`` triples.
    """
    work = Path(work)
    with zipfile.ZipFile(autograder_zip) as archive:
        for member in archive.namelist():
            if member.startswith("tests/") and member.endswith(".py"):
                archive.extract(member, work)
    notebook_dir = work / "notebook"
    notebook_dir.mkdir(exist_ok=True)
    shutil.copyfile(solution, notebook_dir / Path(solution).name)  # otter.Notebook("labNN.ipynb")
    sources = [c.source for c in nbformat.read(solution, as_version=4).cells
               if c.cell_type == "code"]
    check_at = {check_question(s): i for i, s in enumerate(sources) if check_question(s)}

    kernel = _Kernel(notebook_dir)
    results = {}
    old = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        with kernel.client.setup_kernel():
            kernel.run(HELPERS.format(tests=str(work / "tests")))
            results["solution"] = _replay(kernel, sources, snapshot=True)
            for name, question, code in wrongs:
                if question not in check_at:
                    results[name] = {"error": f"no grader.check({question!r}) cell"}
                    continue
                kernel.run(f"_bbdl_restore(_bbdl_snapshots[{question!r}])")
                kernel.run(code)
                scores = dict(results["solution"])  # questions checked before: the solution
                scores.update(_replay(kernel, sources[check_at[question]:], snapshot=False))
                results[name] = scores
    finally:
        if old is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = old
    return results
