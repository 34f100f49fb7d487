"""Build the graded labs and grade submissions with otter-grader 7, without Docker.

    python scripts/labs.py assign            # labs/NN-topic/labNN.ipynb -> _build/labs/NN-topic/
    python scripts/labs.py assign --publish  # also refresh the committed student notebooks
    python scripts/labs.py grade --lab 01 --submissions DIR [--jobs 2] [--timeout 120] [--out D]

``assign`` runs ``otter assign`` on each lab master and leaves, under ``_build/labs/NN-topic/``,
``student/labNN.ipynb`` (what learners get: no solutions, public tests only) and
``autograder/labNN-autograder.zip`` (all tests, hidden ones included). ``--publish`` copies the
student notebook to ``labs/NN-topic/student/labNN.ipynb``, the copy Colab opens from GitHub.

``grade`` runs ``otter run`` on every ``.ipynb`` in a folder, a few at a time, each under a time
limit, and writes ``grades.csv`` (one row per submission: a score per question, the total, the
points possible and a ``reason`` when something went wrong) and one feedback text file per
submission into the output folder (default ``DIR/graded``). A submission that is not a notebook,
raises, prints too much or never finishes gets a row with a reason; the batch always goes on.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build" / "labs"
FEEDBACK_CHARS = 4000  # per question, in the feedback file
LOG_KEEP = 20_000  # characters of otter's own output kept for the feedback file


# ---------------------------------------------------------------------------- finding labs


def masters() -> list[Path]:
    """Every lab master notebook, ``labs/NN-topic/labNN.ipynb``, in order."""
    return sorted((ROOT / "labs").glob("*/lab*.ipynb"))


def find_master(lab: str) -> Path:
    """The master of lab ``lab``: a number ("01", "1") or a folder name ("01-neurons")."""
    wanted = f"{int(lab):02d}" if lab.isdigit() else lab
    for master in masters():
        if wanted in (master.parent.name, master.parent.name.split("-", 1)[0]):
            return master
    known = ", ".join(m.parent.name for m in masters()) or "none"
    raise SystemExit(f"no lab {lab!r} under labs/ (known labs: {known})")


def build_dir(master: Path, build: Path = BUILD) -> Path:
    return build / master.parent.name


def student_notebook(master: Path, build: Path = BUILD) -> Path:
    """The generated student notebook of a lab (run ``assign`` first)."""
    return build_dir(master, build) / "student" / master.name


def solution_notebook(master: Path, build: Path = BUILD) -> Path:
    """otter's notebook with solutions (and no hidden tests), next to the autograder zip."""
    return build_dir(master, build) / "autograder" / master.name


def autograder_zip(master: Path, build: Path = BUILD) -> Path:
    return build_dir(master, build) / "autograder" / f"{master.stem}-autograder.zip"


def published_notebook(master: Path) -> Path:
    """The committed copy of the student notebook that Colab opens from GitHub."""
    return master.parent / "student" / master.name


# ---------------------------------------------------------------------------- assign


def assign(master: Path, publish: bool = False, build: Path = BUILD) -> Path:
    """Run ``otter assign`` on one master; returns the lab's build folder."""
    dest = build_dir(master, build)
    shutil.rmtree(dest, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master), str(dest)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=master.parent)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"otter assign failed for {master.relative_to(ROOT)}")
    zips = sorted((dest / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise SystemExit(f"expected one autograder zip in {dest / 'autograder'}, found {len(zips)}")
    zips[0].rename(autograder_zip(master, build))  # a stable name, not otter's timestamped one
    for notebook in (student_notebook(master, build), solution_notebook(master, build)):
        stabilise_cell_ids(notebook, master)
    if publish:
        published_notebook(master).parent.mkdir(exist_ok=True)
        shutil.copyfile(student_notebook(master, build), published_notebook(master))
    return dest


def stabilise_cell_ids(notebook: Path, master: Path):
    """Give the cells otter generates (``grader.check`` cells) ids that do not change per run.

    otter draws them at random, which would make every build differ from the committed copy.
    """
    keep = {cell.get("id") for cell in json.loads(master.read_text())["cells"]}
    data = json.loads(notebook.read_text())
    for index, cell in enumerate(data["cells"]):
        if "id" in cell and cell["id"] not in keep:
            cell["id"] = f"otter-generated-{index}"
    notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------- what must not leak


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def solution_blocks(master: Path) -> list[str]:
    """The code between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (and ``# SOLUTION`` lines)
    of each code cell of a master, one string per block (used by the leak checks)."""
    blocks = []
    for cell in json.loads(master.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        current = None
        for line in _source(cell).splitlines():
            marker = line.strip()
            if marker.startswith("# BEGIN SOLUTION"):
                current = []
            elif marker.startswith("# END SOLUTION"):
                blocks.append("\n".join(current or []))
                current = None
            elif current is not None:
                current.append(line)
            elif marker.endswith("# SOLUTION"):
                blocks.append(line)
    return [b for b in blocks if b.strip()]


def hidden_test_names(master: Path) -> list[str]:
    """The function names of the hidden tests of a master (otter's exception-based format)."""
    names, in_tests = [], False
    for cell in json.loads(master.read_text())["cells"]:
        text = _source(cell).strip()
        if cell["cell_type"] == "raw":
            in_tests = text.upper().startswith("# BEGIN TESTS") or (
                in_tests and not text.upper().startswith("# END TESTS"))
            continue
        if in_tests and cell["cell_type"] == "code" and _is_hidden_test(text):
            names += [n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
    return names


def _is_hidden_test(text: str) -> bool:
    first = text.splitlines()[0] if text else ""
    if "BEGIN TEST CONFIG" in first.upper():
        config = text.split("\n", 1)[1].split("END TEST CONFIG")[0]
        return any(line.strip().lower().replace(" ", "") == "hidden:true"
                   for line in config.splitlines())
    return first.lstrip().startswith("#") and "hidden" in first.lower()


# ---------------------------------------------------------------------------- questions


def question_points(zip_path: Path) -> dict[str, float]:
    """``{question: points}`` read from the test files in an autograder zip, in natural order."""
    points = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                source = archive.read(name).decode("utf-8")
                points[Path(name).stem] = _points_of(source, name)
    return dict(sorted(points.items(), key=lambda item: _natural_key(item[0])))


def _points_of(source: str, name: str) -> float:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "points" for t in node.targets):
            value = ast.literal_eval(node.value)
            return float(sum(value) if isinstance(value, list) else value)
    raise ValueError(f"{name}: no `points = ...`; give every question `points:` in the master")


def _natural_key(name: str):
    digits = "".join(ch for ch in name if ch.isdigit())
    return (name.rstrip("0123456789"), int(digits) if digits else -1, name)


# ---------------------------------------------------------------------------- one submission


@dataclass
class Result:
    """What grading one submission produced."""

    submission: str
    scores: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)
    log: str = ""
    seconds: float = 0.0


def notebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a gradable notebook, or ``None`` when it is one."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"not a valid notebook (invalid JSON: {error})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "not a valid notebook (no list of cells)"
    if data.get("nbformat") != 4:
        return f"not a valid notebook (nbformat {data.get('nbformat')!r}, expected 4)"
    return None


def run_limited(command: list[str], cwd: Path, timeout: float, env: dict) -> tuple[int | None, str]:
    """Run ``command``; kill it and its children after ``timeout`` s.

    Returns ``(exit code or None when killed, output)``; the output keeps its first and last
    ``LOG_KEEP // 2`` characters only, however much the command prints.
    """
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    captured = _Capture(process.stdout)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        process.wait()
        code = None
    captured.join()
    return code, captured.text()


def kill_tree(pid: int):
    """SIGKILL a process, every descendant (Jupyter kernels live in sessions of their own)."""
    try:
        import psutil

        children = psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the process already gone
        children = []
    for child in children:
        try:
            child.kill()
        except Exception:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class _Capture:
    """Read a pipe in a thread, keeping only its head and tail (and the total size)."""

    def __init__(self, pipe):
        self.head, self.tail, self.total = bytearray(), bytearray(), 0
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe):
        half = LOG_KEEP // 2
        for chunk in iter(lambda: pipe.read1(65536), b""):
            self.total += len(chunk)
            if len(self.head) < half:
                self.head += chunk[: half - len(self.head)]
            self.tail = (self.tail + chunk)[-half:]

    def join(self):
        self.thread.join(timeout=10)

    def text(self) -> str:
        if self.total <= len(self.head):
            return self.head.decode("utf-8", "replace")
        rest = self.total - len(self.head)  # bytes after the head; the tail keeps their end
        left_out = rest - len(self.tail)
        gap = f"\n[... {left_out} bytes left out ...]\n" if left_out > 0 else ""
        return (self.head.decode("utf-8", "replace") + gap
                + self.tail[-rest:].decode("utf-8", "replace"))


def read_results(work: Path, result: Result):
    """Fill ``result`` from otter's ``results.json`` (scores, feedback) in ``work``."""
    path = work / "results.json"
    if not path.exists():
        return
    for entry in json.loads(path.read_text()).get("tests", []):
        if "max_score" in entry and entry.get("name"):
            result.scores[entry["name"]] = float(entry.get("score") or 0.0)
            result.feedback[entry["name"]] = str(entry.get("output", ""))


def notebook_notes(work: Path, max_output_mb: float) -> list[str]:
    """Notes about the executed notebook in ``results.pkl``: cells that raised, huge output."""
    path = work / "results.pkl"
    if not path.exists():
        return []
    try:
        import dill

        notebook = dill.loads(path.read_bytes()).notebook
    except Exception as error:  # a results file we cannot read is itself worth reporting
        return [f"could not read the executed notebook ({type(error).__name__})"]
    errors, size = [], 0
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            size += len(json.dumps(output))
            if output.get("output_type") == "error":
                errors.append(f"{output.get('ename')}: {str(output.get('evalue'))[:120]}")
    notes = []
    if errors:
        notes.append(f"{len(errors)} cell(s) raised an error, the first {errors[0]}")
    if size > max_output_mb * 1e6:
        notes.append(f"printed {size / 1e6:.1f} MB of output (limit {max_output_mb:g} MB)")
    return notes


def grade_one(submission: Path, zip_path: Path, notebook_name: str, timeout: float,
              max_output_mb: float) -> Result:
    """Grade one submission with ``otter run`` in a private folder; never raises for bad input."""
    result = Result(submission.name)
    started = time.monotonic()
    problem = notebook_problem(submission)
    if problem:
        result.reasons.append(problem)
        return result
    with tempfile.TemporaryDirectory(prefix="bbdl-grade-") as tmp:
        work = Path(tmp)
        (work / "tmp").mkdir()
        # The notebook keeps the name the student notebook had, so `otter.Notebook("lab01.ipynb")`
        # in its first cell finds it.
        notebook = work / "submission" / notebook_name
        notebook.parent.mkdir()
        shutil.copyfile(submission, notebook)
        command = [sys.executable, "-m", "otter", "run", "-a", str(zip_path), "-o", str(work),
                   "--no-logo", "-p", str(notebook)]
        env = dict(os.environ, TMPDIR=str(work / "tmp"), MPLBACKEND="Agg",
                   OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
        code, result.log = run_limited(command, work, timeout, env)
        read_results(work, result)
        if code is None:
            result.reasons.append(f"stopped after the time limit of {timeout:g} s")
        elif code != 0 or not result.scores:
            last = (result.log.strip().splitlines() or ["no output"])[-1][:200]
            result.reasons.append(f"otter run failed (exit {code}): {last}")
        result.reasons += notebook_notes(work, max_output_mb)
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------------------- reports


def write_csv(results: list[Result], points: dict[str, float], path: Path):
    """One row per submission: score per question, total, possible, reason."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", *points, "total", "possible", "reason"])
        for r in results:
            scores = [round(r.scores.get(q, 0.0), 3) for q in points]
            writer.writerow([r.submission, *scores, round(sum(scores), 3),
                             round(sum(points.values()), 3), "; ".join(r.reasons)])


def feedback_text(result: Result, points: dict[str, float]) -> str:
    """The per-question feedback for one submission (contains hidden-test messages)."""
    total = sum(result.scores.get(q, 0.0) for q in points)
    lines = [f"Submission: {result.submission}",
             f"Score: {total:g} / {sum(points.values()):g}",
             f"Notes: {'; '.join(result.reasons) or 'none'}", ""]
    for q, possible in points.items():
        lines.append(f"== {q}: {result.scores.get(q, 0.0):g} / {possible:g}")
        text = result.feedback.get(q, "not graded (see the notes above)")
        if len(text) > FEEDBACK_CHARS:
            text = text[:FEEDBACK_CHARS] + "\n[... feedback cut ...]"
        lines += ["    " + line for line in text.splitlines()] + [""]
    if result.reasons:
        lines += ["== otter run output (start and end)", result.log]
    return "\n".join(lines) + "\n"


def write_feedback(results: list[Result], points: dict[str, float], out: Path):
    for r in results:
        (out / f"{Path(r.submission).stem}.txt").write_text(feedback_text(r, points))


# ---------------------------------------------------------------------------- grade


def grade(master: Path, submissions: Path, out: Path, jobs: int = 2, timeout: float = 120,
          max_output_mb: float = 1.0, build: Path = BUILD) -> list[Result]:
    """Grade every ``.ipynb`` in ``submissions``; write ``grades.csv`` and feedback to ``out``."""
    zip_path = autograder_zip(master, build)
    if not zip_path.exists():
        raise SystemExit(f"{zip_path} is missing: run `make labs` first")
    files = sorted(p for p in submissions.glob("*.ipynb") if p.is_file())
    if not files:
        raise SystemExit(f"no .ipynb files in {submissions}")
    points = question_points(zip_path)
    out.mkdir(parents=True, exist_ok=True)

    def one(path):
        r = grade_one(path, zip_path, master.name, timeout, max_output_mb)
        print(f"{r.submission}: {sum(r.scores.values()):g} / {sum(points.values()):g}"
              f" in {r.seconds:.0f} s{'  (' + '; '.join(r.reasons) + ')' if r.reasons else ''}",
              flush=True)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, files))
    write_csv(results, points, out / "grades.csv")
    write_feedback(results, points, out)
    return results


# ---------------------------------------------------------------------------- command line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_assign = sub.add_parser("assign", help="student notebooks + autograder zips for every lab")
    p_assign.add_argument("--lab", help="only this lab (number or folder name)")
    p_assign.add_argument("--publish", action="store_true",
                          help="also copy each student notebook to labs/NN-topic/student/")
    p_grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p_grade.add_argument("--lab", required=True, help="lab number (01) or folder (01-neurons)")
    p_grade.add_argument("--submissions", required=True, type=Path,
                         help="folder holding the submitted .ipynb files")
    p_grade.add_argument("--out", type=Path, help="output folder (default SUBMISSIONS/graded)")
    p_grade.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    p_grade.add_argument("--timeout", type=float, default=120,
                         help="seconds allowed per submission (default 120)")
    p_grade.add_argument("--max-output-mb", type=float, default=1.0,
                         help="notebook output above this many MB is reported (default 1)")
    for p in (p_assign, p_grade):
        p.add_argument("--build", type=Path, default=BUILD,
                       help="where the built labs live (default _build/labs)")
    args = parser.parse_args(argv)

    if args.command == "assign":
        for master in [find_master(args.lab)] if args.lab else masters():
            started = time.monotonic()
            dest = assign(master, publish=args.publish, build=args.build)
            print(f"{master.relative_to(ROOT)} -> {dest}"
                  f" ({time.monotonic() - started:.0f} s)")
        return 0
    master = find_master(args.lab)
    out = args.out or args.submissions / "graded"
    results = grade(master, args.submissions, out, args.jobs, args.timeout, args.max_output_mb,
                    args.build)
    print(f"{len(results)} submission(s) graded; wrote {out / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
