"""Every chapter notebook runs once, is checked, and is handed to the book build's cache.

One execution per notebook does three jobs that used to take three:

1. it runs the notebook exactly as ``jupyter-book build`` would (nbclient, a fresh kernel of
   the notebook's kernelspec, cwd = the notebook's folder, ``_config.yml``'s timeout and
   ``allow_errors``), so any error fails here, except in cells tagged ``raises-exception``;
2. cells that nbval would check (tag ``nbval-check-output`` or comment ``# NBVAL_CHECK_OUTPUT``)
   must reproduce their committed outputs, compared the way ``pytest --nbval-lax`` compares
   them (nbval's own comparison code, same ignored keys: images, widget ids, metadata, counts);
3. each folded exercise solution (the Python inside a markdown cell's ``{dropdown}``) runs in
   the same kernel where it stands, after the code cells above it; it must not raise. The
   names it binds and the random generators it draws from are put back afterwards, so the
   notebook's own later cells (and so the book) see what a reader who skips the exercise sees.
   Solutions are never added to the saved notebook.

When all of that passes, the executed notebook (original cells, fresh outputs) is stored in
the jupyter-cache that the book build reads (``_build/.jupyter_cache``, keyed by a hash of the
code cells' source and metadata and the kernelspec), so ``make book`` right after uses it
instead of executing again. ``make book`` without a test run first still executes by itself.
Each notebook's run time is written to ``_build/notebook-times.csv`` (for people, never
asserted).
"""

from __future__ import annotations

import csv
import fcntl
import os
import re
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from test_exercise_solutions import solution_blocks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*/*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
EXECUTE = CONFIG.get("execute") or {}
# myst-nb's default when `execute.cache` is empty: <outdir>/../.jupyter_cache, and
# jupyter-book's outdir is _build/html
CACHE_DIR = ROOT / (EXECUTE.get("cache") or "_build/.jupyter_cache")
TIMES_CSV = ROOT / "_build" / "notebook-times.csv"

# What nbval 0.11 leaves out of a comparison (IPyNbFile.__init__, without --nbdime):
SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name",
                "execution_count", "application/vnd.jupyter.widget-view+json",
                "image/png", "image/jpeg")

# Run in the kernel (inside exec, so they bind no names of the notebook's own) around the
# solution blocks of one markdown cell: keep the namespace's bindings and the random states
# (global numpy / random / torch generators and the Generator objects the notebook holds).
SNAPSHOT = """\
import random, sys
ip = get_ipython()
ns = ip.user_ns
np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
rngs = {}
for name, value in ns.items():
    if np is not None and isinstance(value, np.random.Generator):
        rngs[name] = (value, value.bit_generator.state)
    elif np is not None and isinstance(value, np.random.RandomState):
        rngs[name] = (value, value.get_state())
    elif torch is not None and isinstance(value, torch.Generator):
        rngs[name] = (value, value.get_state())
ip._bbdl_state = {
    "ns": dict(ns), "rngs": rngs, "random": random.getstate(),
    "numpy": np.random.get_state() if np is not None else None,
    "torch": torch.random.get_rng_state() if torch is not None else None,
}
"""
RESTORE = """\
import random, sys
ip = get_ipython()
state = ip.__dict__.pop("_bbdl_state")
ns = ip.user_ns
for name in [name for name in ns if name not in state["ns"]]:
    del ns[name]
ns.update(state["ns"])
for value, saved in state["rngs"].values():
    if hasattr(value, "bit_generator"):
        value.bit_generator.state = saved
    elif hasattr(value, "set_state"):
        value.set_state(saved)
random.setstate(state["random"])
if state["numpy"] is not None:
    sys.modules["numpy"].random.set_state(state["numpy"])
if state["torch"] is not None:
    sys.modules["torch"].random.set_rng_state(state["torch"])
"""


def in_kernel(code: str) -> str:
    return f"exec({code!r}, {{'get_ipython': get_ipython}})"


@dataclass
class Report:
    """What one run found; ``problems`` empty means the notebook passed."""

    notebook: nbformat.NotebookNode
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the notebook's own cells
    solution_seconds: float = 0.0
    solutions_run: int = 0
    cached: bool = False


def checks_output(cell) -> bool:
    """True where ``pytest --nbval-lax`` compares the cell's output (tag or comment marker)."""
    from nbval.plugin import find_comment_markers, find_metadata_tags

    options = dict(find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))  # comments win, as in nbval
    return bool(options.get("check", False)) and not options.get("skip", False)


# A passed `utils.check.compare` prints its error, e.g. "max abs error 6.66e-16": rounding noise
# whose digits depend on the CPU and the libraries' code paths (4.44e-16 on another machine).
# The verdict, the name and the tolerances are compared; the digits of a PASS line's error not.
PASSED_ERROR = re.compile(r"^(PASS [^\n]*?: max abs error )[-+0-9.e]+", re.M)


def without_rounding_noise(text):
    return PASSED_ERROR.sub(r"\1<within tolerance>", text) if isinstance(text, str) else text


def compare_like_nbval(fresh: list, committed: list) -> str | None:
    """None if nbval-lax would accept ``fresh`` for ``committed``, else why not.

    Uses nbval's own ``IPyNbCell.compare_outputs`` (and its stream coalescing) on a stand-in
    for the pytest item, so the rule stays nbval's: each kept key (stream name, mime type,
    ename, evalue, ...) must hold the same values in the same order.
    """
    from nbval.plugin import IPyNbCell, coalesce_streams, nocolors

    def copy(outputs):
        return [nbformat.from_dict(nbformat.NotebookNode(o)) for o in outputs]

    item = types.SimpleNamespace(parent=types.SimpleNamespace(skip_compare=SKIP_COMPARE),
                                 colors=nocolors, sanitize=without_rounding_noise)

    def format_output_compare(key, left, right):
        item.comparison_traceback.append(
            f"mismatch in {key!r}:\n--- committed\n{left}\n--- this run\n{right}")

    item.format_output_compare = format_output_compare
    if IPyNbCell.compare_outputs(item, coalesce_streams(copy(fresh)),
                                 coalesce_streams(copy(committed))):
        return None
    return "\n".join(item.comparison_traceback)


def execution_settings(nb) -> tuple[int | None, bool]:
    """(timeout, allow_errors) as the book build would use them for this notebook."""
    timeout, allow_errors = EXECUTE.get("timeout", 30), EXECUTE.get("allow_errors", False)
    overrides = nb.metadata.get("mystnb", {})  # myst-nb's notebook-level configuration
    timeout = overrides.get("execution_timeout", timeout)
    allow_errors = overrides.get("execution_allow_errors", allow_errors)
    execution = nb.metadata.get("execution", {})  # jupyter-cache's meta_override
    return execution.get("timeout", timeout), execution.get("allow_errors", allow_errors)


def run_notebook(path: Path, cache_dir: Path | None = CACHE_DIR,
                 times_csv: Path | None = TIMES_CSV) -> Report:
    """Execute ``path`` once with its folded solutions, check it, and cache it if it passed."""
    path = Path(path).resolve()
    committed = nbformat.reads(path.read_text(encoding="utf8"), as_version=4)  # as myst-nb
    nb = nbformat.reads(path.read_text(encoding="utf8"), as_version=4)
    report = Report(nb)
    timeout, allow_errors = execution_settings(nb)
    client = NotebookClient(nb, timeout=timeout, allow_errors=allow_errors, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    spent = 0.0  # in solutions and their snapshot / restore
    crashed = False

    async def run_aside(source: str, cell_index: int) -> nbformat.NotebookNode:
        """Execute code that is not part of the notebook; leave its counters as they were."""
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["raises-exception"]})
        executed, markdown = client.code_cells_executed, client.nb.cells[cell_index]
        try:
            await client.async_execute_cell(cell, cell_index, store_history=False)
        finally:  # nbclient stores the executed cell at cell_index: put the markdown back
            client.code_cells_executed, client.nb.cells[cell_index] = executed, markdown
        return cell

    async def on_cell_start(cell, cell_index):
        nonlocal spent
        blocks = solution_blocks(cell.source) if cell.cell_type == "markdown" else []
        if not blocks:
            return
        start = time.perf_counter()
        for helper in (SNAPSHOT, *blocks, RESTORE):
            ran = await run_aside(in_kernel(helper) if helper in (SNAPSHOT, RESTORE)
                                  else helper, cell_index)
            errors = [o for o in ran.outputs if o.output_type == "error"]
            if helper in (SNAPSHOT, RESTORE):
                if errors:
                    raise RuntimeError(f"checker's namespace helper failed: {errors[0]}")
                continue
            report.solutions_run += 1
            if errors:
                report.problems.append(
                    f"markdown cell {cell_index}: a folded solution raised "
                    f"{errors[0].ename}: {errors[0].evalue}\n--- solution\n{helper}")
        spent += time.perf_counter() - start

    client.on_cell_start = on_cell_start
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        crashed = True
        report.problems.append(f"a cell raised (only `raises-exception` cells may):\n{error}")
    report.seconds = time.perf_counter() - start - spent
    report.solution_seconds = spent

    if not crashed:
        code = [(i, c) for i, c in enumerate(committed.cells) if c.cell_type == "code"]
        for number, (index, reference) in enumerate(code):
            if not checks_output(reference):
                continue
            fresh = nb.cells[index].outputs
            if reference.execution_count is None:  # nbval does not compare an unrun cell
                if reference.outputs:
                    report.problems.append(f"cell {index}: committed outputs but no execution "
                                           "count (nbval: 'Unrun reference cell has outputs')")
                elif fresh:  # stricter than nbval: a tagged cell must have something to check
                    report.problems.append(f"cell {index} (code cell {number}) is tagged for "
                                           "an output check but its output is not committed")
                continue
            why = compare_like_nbval(fresh, reference.outputs)
            if why:
                report.problems.append(f"cell {index} (code cell {number}): output differs "
                                       f"from the committed one\n{why}")

    if [c.source for c in nb.cells] != [c.source for c in committed.cells]:
        report.problems.append("checker bug: the executed notebook's cells are not the original")
    if not report.problems and cache_dir is not None:
        report.cached = store_in_cache(nb, committed, path, cache_dir, report.seconds)
        if not report.cached:
            report.problems.append("checker bug: the cached notebook does not match its source")
    if times_csv is not None:
        record_time(times_csv, path, report)
    return report


@contextmanager
def locked(lock_file: Path):
    """One process at a time (pytest-xdist workers share the cache's sqlite db and the csv)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_in_cache(nb, source, path: Path, cache_dir: Path, seconds: float) -> bool:
    """Store the executed notebook as myst-nb's cache mode does after executing it itself;
    True if the unexecuted ``source`` (what the book build reads) now finds it."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    with locked(cache_dir.parent / (cache_dir.name + ".lock")):
        cache = get_cache(str(cache_dir))
        try:
            record = cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            return cache.match_cache_notebook(source).pk == record.pk
        except KeyError:
            return False
        finally:
            cache.db.dispose()


def record_time(times_csv: Path, path: Path, report: Report):
    """Replace this notebook's row in the times csv (informational only)."""
    try:
        name = path.relative_to(ROOT).as_posix()
    except ValueError:
        name = str(path)
    row = {"notebook": name, "seconds": f"{report.seconds:.1f}",
           "solution_seconds": f"{report.solution_seconds:.1f}",
           "solutions": report.solutions_run, "passed": not report.problems,
           "load_average_1min": f"{os.getloadavg()[0]:.2f}",
           "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    with locked(times_csv.with_name(times_csv.name + ".lock")):
        rows = []
        if times_csv.exists():
            with times_csv.open(newline="") as handle:
                rows = [r for r in csv.DictReader(handle) if r.get("notebook") != name]
        rows = sorted(rows + [row], key=lambda r: r["notebook"])
        with times_csv.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            writer.writeheader()
            writer.writerows({k: r.get(k, "") for k in row} for r in rows)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapter_notebook(notebook):
    report = run_notebook(notebook)
    assert not report.problems, f"{notebook.relative_to(ROOT)}:\n" + "\n\n".join(report.problems)


# --- the checker catches what it must (tiny notebooks, a second or two each) -------------


KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def synthetic(tmp_path: Path, cells: list, name="nb.ipynb") -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def checked(source: str, output: str) -> nbformat.NotebookNode:
    """A tagged code cell with a committed stdout output, as `make sync` leaves it."""
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["nbval-check-output"]},
                                     execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    return cell


def solution(code: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(
        f"**Exercise.**\n\n:::{{dropdown}} Solution\n```python\n{code}\n```\n:::\n")


def test_a_passing_notebook_is_cached_where_the_book_build_finds_it(tmp_path):
    from jupyter_cache import get_cache

    path = synthetic(tmp_path, [
        nbformat.v4.new_code_cell("import numpy as np\nrng = np.random.default_rng(0)\nx = 1"),
        checked("print(x + 1)", "2\n"),
        nbformat.v4.new_code_cell("raise ValueError('on purpose')",
                                  metadata={"tags": ["raises-exception"]}),
        solution("x = 100\ny = rng.normal()\nassert x == 100"),
        # the solution's binding and its draw from rng are undone for the notebook's own cells
        checked("print(x, 'y' in dir(), rng.integers(10**6))",
                f"1 False {__import__('numpy').random.default_rng(0).integers(10**6)}\n"),
    ])
    cache_dir, times = tmp_path / "_build" / ".jupyter_cache", tmp_path / "times.csv"
    report = run_notebook(path, cache_dir=cache_dir, times_csv=times)
    assert report.problems == [] and report.cached and report.solutions_run == 1
    source = nbformat.read(path, as_version=4)
    cache = get_cache(str(cache_dir))
    _, merged = cache.merge_match_into_notebook(source)  # what myst-nb does on a cache hit
    assert len(merged.cells) == len(source.cells)  # no solution cell was added
    assert merged.cells[1].outputs[0].text == "2\n"
    assert merged.cells[2].outputs[0].ename == "ValueError"
    assert [c.execution_count for c in merged.cells if c.cell_type == "code"] == [1, 2, 3, 4]
    assert "nb.ipynb" in times.read_text()


def test_a_changed_tagged_output_fails(tmp_path):
    path = synthetic(tmp_path, [checked("print(6 * 7)", "41\n")])
    report = run_notebook(path, cache_dir=tmp_path / "cache", times_csv=None)
    assert len(report.problems) == 1 and "output differs" in report.problems[0]
    assert "41" in report.problems[0] and "42" in report.problems[0]
    assert not report.cached and not (tmp_path / "cache").exists()


def test_an_error_in_an_untagged_cell_fails(tmp_path):
    path = synthetic(tmp_path, [nbformat.v4.new_code_cell("1 / 0"),
                                nbformat.v4.new_code_cell("print('never reached')")])
    report = run_notebook(path, cache_dir=tmp_path / "cache", times_csv=None)
    assert len(report.problems) == 1 and "ZeroDivisionError" in report.problems[0]
    assert not report.cached


def test_a_failing_solution_fails_and_the_notebook_goes_on(tmp_path):
    path = synthetic(tmp_path, [nbformat.v4.new_code_cell("x = 1"),
                                solution("print(undefined_name)"),
                                checked("print(x)", "1\n")])
    report = run_notebook(path, cache_dir=tmp_path / "cache", times_csv=None)
    assert len(report.problems) == 1, report.problems
    assert "folded solution raised NameError" in report.problems[0]
    assert not report.cached


def test_nbval_rules_images_are_ignored_streams_are_not():
    png = nbformat.v4.new_output("display_data", data={"image/png": "AAAA",
                                                       "text/plain": "<Figure>"})
    other_png = nbformat.v4.new_output("display_data", data={"image/png": "BBBB",
                                                             "text/plain": "<Figure>"})
    assert compare_like_nbval([png], [other_png]) is None
    split = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("a\n", "b\n")]
    joined = [nbformat.v4.new_output("stream", name="stdout", text="a\nb\n")]
    assert compare_like_nbval(split, joined) is None  # streams are coalesced first
    stderr = [nbformat.v4.new_output("stream", name="stderr", text="a\nb\n")]
    assert compare_like_nbval(stderr, joined) is not None


def test_a_passed_check_may_differ_in_rounding_noise_only():
    def out(text):
        return [nbformat.v4.new_output("stream", name="stdout", text=text)]

    line = "PASS grad vs torch: max abs error {} (atol=1e-08, rtol=1e-05)\n"
    assert compare_like_nbval(out(line.format("4.44e-16")), out(line.format("6.66e-16"))) is None
    failed = "FAIL grad vs torch: max abs error {} (atol=1e-08, rtol=1e-05)\n"
    assert compare_like_nbval(out(failed.format("1.00e-01")), out(line.format("6.66e-16")))
    looser = line.replace("atol=1e-08", "atol=1")
    assert compare_like_nbval(out(looser.format("0.5")), out(line.format("6.66e-16")))
    assert compare_like_nbval(out("angle 0.82\n"), out("angle 0.84\n"))  # other numbers count


def _store_many(args):
    worker, cache_dir = args
    for i in range(10):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {worker}, {i}")])
        nb.metadata["kernelspec"] = KERNELSPEC
        assert store_in_cache(nb, nb, Path(f"w{worker}-{i}.ipynb"), Path(cache_dir), 1.0)


def test_two_workers_storing_at_once_lose_nothing(tmp_path):
    # Without the lock, two processes writing 15 notebooks each to a fresh cache lost 1-2 of
    # the 30 records in 2 of 3 trials here (both create and write the sqlite db at once).
    import multiprocessing

    cache_dir = tmp_path / ".jupyter_cache"
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_store_many, [(1, cache_dir), (2, cache_dir)])
    from jupyter_cache import get_cache

    assert len(get_cache(str(cache_dir)).list_cache_records()) == 20
