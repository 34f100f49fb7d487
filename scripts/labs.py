"""Build the graded labs and grade submissions, decided outside the student's process.

    python scripts/labs.py assign            # labs/NN-topic/labNN.ipynb -> _build/labs/NN-topic/
    python scripts/labs.py assign --publish  # also refresh the committed student notebooks
    python scripts/labs.py grade --lab 01 --submissions DIR [--jobs 2] [--timeout 300] [--out D]
                                 [--seed N] [--no-sandbox]
    python scripts/labs.py mutate --lab 01 [--question q2]   # mutation score of a lab's checks

``assign`` runs ``otter assign`` on each lab master and leaves, under ``_build/labs/NN-topic/``,
``student/labNN.ipynb`` (what learners get: no solutions, public tests only, for
``grader.check``) and ``autograder/`` (otter's zip of the public tests and the notebook with
solutions). ``--publish`` copies the student notebook to ``labs/NN-topic/student/labNN.ipynb``,
the copy Colab opens from GitHub.

``grade`` runs every ``.ipynb`` in a folder in a sandbox of its own (``grading/sandbox.py``), a
few at a time, and decides each test here (``grading/checks.py``): the lab's public tests and
its hidden ``checks.py`` call the student's functions across the sandbox wall. It writes
``grades.csv`` (a score per question, total, possible, reason, flags, mode, seconds), one
feedback text file per submission and ``summary.txt`` into the output folder (default
``DIR/graded``). A submission that is not a notebook, raises, prints too much, hangs or crashes
gets a row with a reason; the batch always goes on.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # the grading package
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


def hidden_checks(master: Path) -> Path:
    """The lab's hidden checks and references, which only the grader reads."""
    return master.parent / "checks.py"


def hidden_test_names(master: Path) -> list[str]:
    """The names of the hidden tests of a lab (``test_*`` functions of its ``checks.py``)."""
    path = hidden_checks(master)
    if not path.exists():
        return []
    return [n.name for n in ast.parse(path.read_text()).body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


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
    flags: list[str] = field(default_factory=list)
    mode: str = "sandbox"
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


def notebook_from_zip(path: Path, folder: Path, limit_mb: float = 50) -> Path:
    """The notebook inside a zip made by the lab's export cell, as ``folder/<zip name>.ipynb``
    (a zip without exactly one notebook becomes a file that grades with a reason)."""
    target = folder / f"{path.stem}.ipynb"
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(".ipynb")
                       and not m.filename.startswith("__MACOSX")]
            if len(members) != 1 or members[0].file_size > limit_mb * 1e6:
                raise ValueError(f"{len(members)} notebooks, or one over {limit_mb:g} MB")
            target.write_bytes(archive.read(members[0]))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        target.write_text(f"not a lab export ({error})")
    return target


def handed_out_cells(master: Path, build: Path = BUILD) -> set[str]:
    """The code cells of the student notebook as handed out (not read for flags)."""
    path = student_notebook(master, build)
    if not path.exists():
        return set()
    return {_source(c).strip() for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"}


def grade_one(submission: Path, master: Path, lab, timeout: float, max_output_mb: float,
              sandboxed: bool = True, seed: int = 0, limits=None,
              handed_out: set[str] | None = None) -> Result:
    """Grade one submission: run it (in the sandbox), decide every test here; never raises."""
    from grading.checks import Submission, run_tests
    from grading.flags import static_flags
    from grading.session import Limits, Session

    result = Result(submission.name, mode="sandbox" if sandboxed else "no-sandbox")
    started = time.monotonic()
    problem = notebook_problem(submission)
    if problem:
        result.reasons.append(problem)
        result.seconds = time.monotonic() - started
        return result
    text = submission.read_bytes().decode("utf-8")
    source = Submission(json.loads(text))
    result.flags += static_flags(source.cells, handed_out or set())
    limits = limits or Limits()
    limits.cell_s = min(limits.cell_s, timeout)
    sessions, notes = [], []

    def new_session():
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise_gone(f"the submission used up its time limit of {timeout:g} s")
        session_limits = Limits(**{**limits.__dict__, "call_s": min(limits.call_s, left)})
        session = Session(text, master.name, sandboxed=sandboxed, limits=session_limits,
                          tag=submission.stem)
        sessions.append(session)
        info = session.start()
        if len(sessions) == 1:
            notes.extend(info.skipped)
            if info.errors:
                notes.append(f"{len(info.errors)} cell(s) raised an error, the first "
                             f"{info.errors[0].split(': ', 1)[1]}")
            if info.output_bytes > max_output_mb * 1e6:
                notes.append(f"printed {info.output_bytes / 1e6:.1f} MB of output "
                             f"(limit {max_output_mb:g} MB)")
        return session

    outcome, session = run_tests(lab, new_session, source, seed)
    for s in sessions:
        result.flags += [f for f in s.close() if f not in result.flags]
    result.scores = outcome.scores
    result.feedback = {q: "\n".join(lines) for q, lines in outcome.feedback.items()}
    result.reasons += notes
    if any("time limit" in line for lines in outcome.feedback.values() for line in lines):
        result.reasons.append(f"stopped after the time limit of {timeout:g} s")
    if any("did not answer within" in line for lines in outcome.feedback.values()
           for line in lines):
        result.reasons.append("a call did not finish in time (see the feedback)")
    if outcome.restarts:
        result.reasons.append(f"restarted {outcome.restarts} time(s) after a hang or crash")
    result.seconds = time.monotonic() - started
    return result


def raise_gone(message: str):
    from grading.session import StudentGone

    raise StudentGone(message)


# ---------------------------------------------------------------------------- reports


def write_csv(results: list[Result], points: dict[str, float], path: Path):
    """One row per submission: score per question, total, possible, reason, flags, mode."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", *points, "total", "possible", "reason", "flags", "mode",
                         "seconds"])
        for r in results:
            scores = [round(r.scores.get(q, 0.0), 3) for q in points]
            writer.writerow([r.submission, *scores, round(sum(scores), 3),
                             round(sum(points.values()), 3), "; ".join(r.reasons),
                             "; ".join(r.flags), r.mode, round(r.seconds, 1)])


def feedback_text(result: Result, points: dict[str, float]) -> str:
    """The per-question feedback for one submission (names the hidden tests that failed)."""
    total = sum(result.scores.get(q, 0.0) for q in points)
    lines = [f"Submission: {result.submission}",
             f"Score: {total:g} / {sum(points.values()):g}",
             f"Notes: {'; '.join(result.reasons) or 'none'}",
             f"Flags (for the instructor; they do not change the score): "
             f"{'; '.join(result.flags) or 'none'}", ""]
    for q, possible in points.items():
        lines.append(f"== {q}: {result.scores.get(q, 0.0):g} / {possible:g}")
        text = result.feedback.get(q, "not graded (see the notes above)")
        if len(text) > FEEDBACK_CHARS:
            text = text[:FEEDBACK_CHARS] + "\n[... feedback cut ...]"
        lines += ["    " + line for line in text.splitlines()] + [""]
    return "\n".join(lines) + "\n"


def write_feedback(results: list[Result], points: dict[str, float], out: Path):
    for r in results:
        (out / f"{Path(r.submission).stem}.txt").write_text(feedback_text(r, points))


# ---------------------------------------------------------------------------- grade


def grade(master: Path, submissions: Path, out: Path, jobs: int = 2, timeout: float = 300,
          max_output_mb: float = 1.0, build: Path = BUILD, sandboxed: bool = True,
          seed: int | None = None, limits=None) -> list[Result]:
    """Grade every ``.ipynb`` in ``submissions``; write ``grades.csv``, feedback and
    ``summary.txt`` to ``out``."""
    from grading import sandbox
    from grading.checks import load_lab

    if sandboxed:
        ok, why = sandbox.available()
        if not ok:
            raise SystemExit(f"cannot grade in a sandbox: {why}. Install bubblewrap, or pass "
                             "--no-sandbox to grade without one (submissions can then tamper "
                             "with your machine; the CSV records the mode)")
    unpacked = Path(tempfile.mkdtemp(prefix="bbdl-zips-"))
    files = sorted([p for p in submissions.glob("*.ipynb") if p.is_file()] +
                   [notebook_from_zip(p, unpacked) for p in submissions.glob("*.zip")
                    if p.is_file()])
    if not files:
        raise SystemExit(f"no .ipynb or .zip files in {submissions}")
    lab = load_lab(master)
    seed = int.from_bytes(os.urandom(4), "little") if seed is None else seed
    handed_out = handed_out_cells(master, build)
    out.mkdir(parents=True, exist_ok=True)
    points = lab.points

    def one(path):
        r = grade_one(path, master, lab, timeout, max_output_mb, sandboxed, seed, limits,
                      handed_out)
        print(f"{r.submission}: {sum(r.scores.values()):g} / {sum(points.values()):g}"
              f" in {r.seconds:.0f} s{'  (' + '; '.join(r.reasons) + ')' if r.reasons else ''}"
              f"{'  [flags: ' + '; '.join(r.flags) + ']' if r.flags else ''}", flush=True)
        return r

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, files))
    wall = time.monotonic() - began
    write_csv(results, points, out / "grades.csv")
    write_feedback(results, points, out)
    seconds = [r.seconds for r in results]
    summary = (f"lab {master.parent.name}: {len(results)} submission(s), mode "
               f"{'sandbox' if sandboxed else 'no-sandbox'}, jobs {jobs}, seed {seed}\n"
               f"wall time {wall:.1f} s; {60 * len(results) / wall:.1f} submissions per minute\n"
               f"per submission: mean {sum(seconds) / len(seconds):.1f} s, "
               f"max {max(seconds):.1f} s\n"
               f"flagged: {sum(1 for r in results if r.flags)}\n")
    (out / "summary.txt").write_text(summary)
    print(summary, end="")
    return results


# ---------------------------------------------------------------------------- command line


def mutate_command(master: Path, questions: list[str] | None, build: Path) -> int:
    """Print each question's mutation score and every surviving mutant; 1 if any survive."""
    sys.path.insert(0, str(ROOT / "tests" / "labs"))
    from grading import mutate
    from grading.checks import load_lab
    from lab_replay import Harness

    if not solution_notebook(master, build).exists():
        assign(master, build=build)
    lab = load_lab(master)
    report = mutate.run(lab, solution_notebook(master, build), Harness, questions,
                        progress=lambda m, killed: print(("killed   " if killed else "SURVIVED ")
                                                          + m.ident, flush=True))
    print(f"\n{'question':<9}{'mutants':>8}{'killed':>8}{'equivalent':>11}{'survived':>9}")
    bad = 0
    for question, r in report.items():
        total = sum(len(r[k]) for k in ("killed", "equivalent", "survived", "stale"))
        print(f"{question:<9}{total:>8}{len(r['killed']):>8}{len(r['equivalent']):>11}"
              f"{len(r['survived']):>9}")
        bad += len(r["survived"]) + len(r["stale"])
        for ident in r["stale"]:
            print(f"  listed as equivalent but killed or gone: {ident}")
    return 1 if bad else 0


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
    p_grade.add_argument("--timeout", type=float, default=300,
                         help="seconds allowed per submission, all tests included (default 300)")
    p_grade.add_argument("--no-sandbox", action="store_true",
                         help="grade without bubblewrap (only for trusted notebooks)")
    p_grade.add_argument("--seed", type=int, help="seed of the hidden tests' random inputs "
                         "(default: drawn per run and written to summary.txt)")
    p_grade.add_argument("--max-output-mb", type=float, default=1.0,
                         help="notebook output above this many MB is reported (default 1)")
    for p in (p_assign, p_grade):
        p.add_argument("--build", type=Path, default=BUILD,
                       help="where the built labs live (default _build/labs)")
    p_mutate = sub.add_parser("mutate", help="mutation-test a lab's checks (see teaching.md)")
    p_mutate.add_argument("--lab", required=True, help="lab number (01) or folder (01-neurons)")
    p_mutate.add_argument("--question", action="append", help="only these questions (q1, ...)")
    p_mutate.add_argument("--build", type=Path, default=BUILD)
    args = parser.parse_args(argv)
    if args.command == "mutate":
        return mutate_command(find_master(args.lab), args.question, args.build)

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
                    args.build, sandboxed=not args.no_sandbox, seed=args.seed)
    print(f"{len(results)} submission(s) graded; wrote {out / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
