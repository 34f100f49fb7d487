"""What learners get: no solutions, no hidden tests, and self-checks that work on their own."""

import ast
import json
import re
import shutil
import textwrap

import nbformat
import pytest
import sync_notebooks  # scripts/, on the path through labkit
import yaml
from grading.flags import dotted
from labkit import MASTERS, ROOT, lab_id, labs
from nbclient import NotebookClient

pytestmark = pytest.mark.parametrize("master", MASTERS, ids=lab_id)

MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "BEGIN TESTS", "END TESTS",
           "BEGIN TEST CONFIG", "ASSIGNMENT CONFIG", "BEGIN QUESTION", "hidden=True",
           "otter_assign_solution_cell"]


def student_lines(notebook: dict) -> set[str]:
    lines = set()
    for cell in notebook["cells"]:
        lines.update(line.strip() for line in labs._source(cell).splitlines())
    for test in notebook["metadata"].get("otter", {}).get("tests", {}).values():
        lines.update(line.strip() for line in str(test).splitlines())
    return lines


def solution_only_lines(master) -> set[str]:
    """Lines that appear in the master's solution regions and nowhere else in it."""
    inside = {line.strip() for block in labs.solution_blocks(master) for line in block.splitlines()}
    outside = set()
    for cell in json.loads(master.read_text())["cells"]:
        skipping = False
        for line in labs._source(cell).splitlines():
            marker = line.strip()
            if marker.startswith("# BEGIN SOLUTION"):
                skipping = True
            elif marker.startswith("# END SOLUTION"):
                skipping = False
            elif not skipping and not marker.endswith("# SOLUTION"):
                outside.add(marker)
    return {line for line in inside - outside if len(line) >= 8 and not line.startswith("#")}


def test_student_notebook_has_no_solution_code(lab_session, master):
    student = lab_session.student(master)
    text = json.dumps(student)
    leftovers = [m for m in MARKERS if m in text]
    assert not leftovers, f"otter markers left in the student notebook: {leftovers}"
    lines = solution_only_lines(master)
    assert lines, "found no solution lines in the master: are the solutions marked?"
    leaked = sorted(lines & student_lines(student))
    assert not leaked, f"solution lines in the student notebook: {leaked}"


def test_student_notebook_has_public_tests_only(lab_session, master):
    student = lab_session.student(master)
    tests = student["metadata"]["otter"]["tests"]
    assert set(tests) == set(lab_session.lab(master).points)
    text = json.dumps(student)
    hidden = labs.hidden_test_names(master)
    assert hidden, "every question needs hidden tests"
    assert not [name for name in hidden if name in text], "hidden tests in the student notebook"
    for question, test in tests.items():
        assert "hidden=False" in test, f"{question} has no public test"


def test_every_question_has_public_and_hidden_tests(lab_session, master):
    lab = lab_session.lab(master)
    public = lab_session.student(master)["metadata"]["otter"]["tests"]
    for question in lab.points:
        assert "def test_" in str(public.get(question, "")), f"{question} has no public test"
        assert not all(t.public for t in lab.of(question)), f"{question} has no hidden test"


def _solution_names(master) -> set[str]:
    """Functions and classes that the master's solution regions define (solution regions are
    function bodies, so their other names are local variables, which tests may reuse)."""
    names = set()
    for block in labs.solution_blocks(master):
        try:
            tree = ast.parse(textwrap.dedent(block))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return names | {n for n in _skeleton_functions(master)}


def _skeleton_functions(master) -> set[str]:
    """The functions the student writes (defined in the master's solution cells)."""
    from grading.mutate import solution_cells

    return {node.name for cells in solution_cells(master).values() for text, _ in cells
            for node in ast.parse(text).body if isinstance(node, ast.FunctionDef)}


ANSWERING_CALLS = ("torch.nn.functional.", "F.", "torch.sigmoid", "torch.softmax",
                   "torch.log_softmax", "torch.optim.", "torch.autograd", "torch.relu",
                   "torch.nn.Linear", "torch.nn.CrossEntropyLoss")


def test_nothing_handed_out_holds_or_computes_an_answer(lab_session, master):
    """Parse every cell and every public test of the student notebook (sources and metadata):
    no definition of a name the solution defines (beyond the empty skeletons the student fills
    in), no helper function inside a public test, no reference computation (torch's functional
    versions of the answers, optimisers, autograd), and the published copy is the same."""
    student = lab_session.student(master)
    forbidden = _solution_names(master)
    skeletons = _skeleton_functions(master)
    problems = []
    for index, cell in enumerate(student["cells"]):
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(labs._source(cell))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in forbidden:
                body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(
                    b.value, ast.Constant))]
                empty = all(isinstance(b, ast.Pass) for b in body) and len(body) <= 1
                if node.name not in skeletons or not empty:
                    problems.append(f"cell {index} defines {node.name}")
    for question, test in student["metadata"]["otter"]["tests"].items():
        tree = ast.parse(str(test))
        tops = {id(n) for n in tree.body if isinstance(n, ast.FunctionDef)
                and n.name.startswith("test_")}
        # a lambda passed straight to the student's function is an input (q4's f), not a helper
        tops |= {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) for a in n.args
                 if isinstance(a, ast.Lambda)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda)) and \
                    id(node) not in tops:
                problems.append(f"public test {question} defines "
                                f"{getattr(node, 'name', 'a lambda')}")
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and \
                    node.id in forbidden:
                problems.append(f"public test {question} assigns {node.id}")
            if isinstance(node, ast.Call):
                called = dotted(node.func)
                if any(called.startswith(p) for p in ANSWERING_CALLS):
                    problems.append(f"public test {question} computes with {called}")
    assert not problems, "answers in what students receive:\n" + "\n".join(problems)


def test_published_student_notebook_is_current(lab_session, master):
    """The committed copy that Colab opens is what `otter assign` builds now."""
    published = labs.published_notebook(master)
    fresh = labs.student_notebook(master, lab_session.build())
    assert published.exists(), f"create {published}: python scripts/labs.py assign --publish"
    assert published.read_text() == fresh.read_text(), (
        f"{published.relative_to(ROOT)} is stale: run `python scripts/labs.py assign --publish`")


def test_setup_cell_installs_otter_on_colab_only(lab_session, master):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    slug = config["url"].removeprefix("https://github.com/").rstrip("/")
    branch = config.get("branch", "main")
    student = lab_session.student(master)
    setup = labs._source(next(c for c in student["cells"] if c["cell_type"] == "code"))
    rel = labs.published_notebook(master).relative_to(ROOT).as_posix()
    release = sync_notebooks.utils_release()  # utils from its released tag, as chapters do
    for needed in ['if "google.colab" in sys.modules:', "otter-grader==7.0.0", f'"{slug}"',
                   f"@{release}\"", f"/{branch}/", rel, "unpack_colab_tests(", "import otter",
                   f'otter.Notebook(find_lab_notebook("{master.name}"))',
                   'otter.Notebook(tests_dir="tests")']:
        assert needed in setup, f"the first code cell lacks {needed!r}:\n{setup}"
    assert f"@{branch}\"" not in setup, "utils must come from a released tag, not the branch"
    assert "%pip" not in setup.split('if "google.colab"')[0]
    # and it is the cell `make sync` writes from _config.yml
    assert setup == sync_notebooks.lab_setup_source(master, *sync_notebooks.repository())


def _answer_indices(student: dict, question: str) -> tuple[list[int], int]:
    """Indices of the answer cells of ``question`` and of its check cell."""
    check = next(i for i, c in enumerate(student["cells"])
                 if labs._source(c).strip() == f'grader.check("{question}")')
    start = max((i for i, c in enumerate(student["cells"][:check])
                 if re.fullmatch(r'grader\.check\("\w+"\)', labs._source(c).strip())), default=-1)
    answers = [i for i in range(start + 1, check)
               if "otter_answer_cell" in student["cells"][i]["metadata"].get("tags", [])]
    return answers, check


FAKE_COLAB = """
import json, subprocess, sys, types
pip_calls = []
subprocess.run = lambda *args, **kwargs: pip_calls.append(args[0])  # no installing here
_message = types.ModuleType("google.colab._message")
_message.blocking_request = lambda *a, **k: {"ipynb": json.load(open(NOTEBOOK))}
colab = types.ModuleType("google.colab")
colab._message = _message
google = types.ModuleType("google")
google.colab = colab
sys.modules.update({"google": google, "google.colab": colab, "google.colab._message": _message})
"""


def test_self_check_works_with_the_notebook_alone_in_a_folder(lab_session, master, tmp_path):
    """In a plain kernel, with the notebook alone in a folder under the name a second download
    gets, grader.check on the first question
    passes with the solution filled in and fails when blank, reading the tests from the notebook.
    Then the setup cell runs again as on Colab (a stand-in `google.colab` hands over the notebook,
    pip is not called): it unpacks the tests to files and the same checks give the same verdicts.
    Last, the export cell writes a zip holding the notebook (no PDF, so no LaTeX needed).
    """
    student, solution = lab_session.student(master), lab_session.solution(master)
    question = next(iter(labs.question_points(lab_session.zip(master))))
    answers, check = _answer_indices(student, question)
    assert answers, f"no answer cell (tag otter_answer_cell) before grader.check({question!r})"
    filled = [labs._source(c) for c in solution["cells"][:check] if c["cell_type"] == "code"]
    blank = [labs._source(student["cells"][i]) for i in answers]
    solved = [labs._source(solution["cells"][i]) for i in answers]
    assert solved != blank
    setup = labs._source(next(c for c in student["cells"] if c["cell_type"] == "code"))
    colab = [FAKE_COLAB.replace("NOTEBOOK", repr(f"{master.stem} (1).ipynb")), setup]
    sources, verdict_at = [], []
    for step in (filled, blank, colab + solved, blank):
        sources += step
        verdict_at.append(len(sources))
        sources.append(f'grader.check("{question}")')
    sources.append("print(type(grader).__name__, grader._tests_dir, pip_calls)")
    export = next(labs._source(c) for c in student["cells"]
                  if labs._source(c).lstrip().startswith("# Save your notebook first"))
    sources.append(export)

    folder = tmp_path / "alone"
    folder.mkdir()
    renamed = f"{master.stem} (1).ipynb"  # what a second download is called
    shutil.copyfile(labs.student_notebook(master, lab_session.build()), folder / renamed)
    run = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(run, kernel_name="python3", timeout=300, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    verdicts = [_text(run.cells[i]) for i in verdict_at]
    for verdict, should_pass in zip(verdicts, [True, False, True, False]):
        if should_pass:
            assert "All test cases passed" in verdict, verdict
        else:
            assert "failed" in verdict and "All test cases passed" not in verdict, verdict
    zips = sorted(folder.glob("*.zip"))
    assert len(zips) == 1, f"the export cell should write one zip: {_text(run.cells[-1])}"
    import zipfile

    with zipfile.ZipFile(zips[0]) as archive:
        assert any(n.endswith(".ipynb") for n in archive.namelist()), archive.namelist()
    summary = _text(run.cells[-2])
    assert summary.startswith("Notebook tests"), summary
    assert "otter-grader==7.0.0" in summary and "git+https://github.com/" in summary, summary
    assert (folder / "tests" / f"{question}.py").exists()


def _text(cell) -> str:
    parts, last_was_stream = [], False
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream" and last_was_stream:
            parts[-1] += out.get("text", "")  # one print can arrive as several messages
        elif kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            parts.append(str(out.get("data", {}).get("text/plain", "")))
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
        last_was_stream = kind == "stream"
    return "\n".join(parts)
