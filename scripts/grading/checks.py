"""Deciding a submission's score on the grader's side.

A lab's tests are functions ``test_qK_what(env)``: the public ones come from the master notebook
(the same code ``grader.check`` runs in the student's notebook), the hidden ones from
``labs/NN-topic/checks.py``, which never leaves the grader. ``env`` looks like the notebook's
namespace (``env["sigmoid"](z)``), but every call crosses to the submission's process and only
plain values come back, so the assertions run here, where the submission cannot reach them.

A question's score is its points times the fraction of its tests that pass (otter's rule).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import inspect
import json
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import wire
from .flags import dotted
from .session import Session, StudentGone, StudentRaised, StudentTimeout

# ---------------------------------------------------------------------------- the env


class RemoteObject:
    """An object that lives in the submission (a model, a cache): call it, ask its attributes."""

    def __init__(self, env: Env, handle: wire.Handle):
        self._env, self._handle = env, handle
        self.kind, self.mro = handle.kind, handle.mro

    def __call__(self, *args, **kwargs):
        return self._env._wrap(self._env.session.call_handle(self._handle, "__call__",
                                                             *args, **kwargs))

    def method(self, name: str, *args, **kwargs):
        return self._env._wrap(self._env.session.call_handle(self._handle, name, *args,
                                                             **kwargs))

    def attr(self, name: str):
        return self._env._wrap(self._env.session.getattr(self._handle, name))

    def is_a(self, qualified: str) -> bool:
        """Whether its type (as the submission reports it) derives from e.g. torch.nn.Module."""
        return qualified in self.mro

    def __repr__(self):
        return f"<{self.kind} in the submission>"


class RemoteFunction:
    """Calling it calls the submission's function; arrays it changed in place come back
    changed, so a test sees mutation exactly as it would in one process."""

    def __init__(self, env: Env, name: str):
        self._env, self.name = env, name

    def __call__(self, *args, **kwargs):
        result, after = self._env.session.call(self.name, *args, return_args=True,
                                               context=float_context(), **kwargs)
        write_back(list(args), after["args"])
        write_back(kwargs, after["kwargs"])
        return self._env._wrap(result)


def float_context() -> dict:
    """The caller's NumPy error state and whether warnings are errors, so that a test's
    ``np.errstate(over="raise")`` or ``simplefilter("error")`` holds inside the call too."""
    import warnings

    first = warnings.filters[0] if warnings.filters else None
    errors = bool(first and first[0] == "error" and first[2] is Warning and first[1] is None)
    return {"errstate": dict(np.geterr()), "warnings_error": errors}


def write_back(original, after):
    """Copy in-place changes made on the other side into the caller's arrays."""
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable and \
                not np.array_equal(original, after, equal_nan=original.dtype.kind in "fc"):
            np.copyto(original, after, casting="unsafe")
    elif isinstance(original, (list, tuple)) and isinstance(after, (list, tuple)):
        for o, a in zip(original, after):
            write_back(o, a)
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in original.keys() & after.keys():
            write_back(original[key], after[key])
    else:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(original, torch.Tensor) and \
                isinstance(after, torch.Tensor) and original.shape == after.shape:
            with torch.no_grad():
                original.copy_(after)

    def __repr__(self):
        return f"<function {self.name} of the submission>"


class Env:
    """What a test sees as ``env``: the submission's names, reached through a ``Session``."""

    def __init__(self, session: Session, source: Submission | None, seed: int):
        self.session, self.source, self.seed = session, source, seed

    def __getitem__(self, name: str):
        """The submission's variable ``name`` as a value (arrays, numbers, handles to objects),
        or, for a function, a proxy that calls it there."""
        plain, value = self.session.lookup(name)
        return self._wrap(value) if plain else RemoteFunction(self, name)

    def get(self, name, default=None):
        return RemoteFunction(self, name) if name in self else default

    def __contains__(self, name) -> bool:
        return self.session.defines(name)

    def __setitem__(self, name, value):
        """``env[name] = reference`` provides the grader's function under that name (a stub
        that calls back here); assigning the submission's own function back removes it."""
        if isinstance(value, RemoteFunction) and value.name == name:
            self.session.unstub()
        else:
            self.session.stub({name: value})

    def update(self, mapping: dict):
        for name, value in mapping.items():
            self[name] = value

    def call(self, name: str, *args, **kwargs):
        """Call and also get the arguments back as they were after the call (to see mutation):
        returns ``(result, args, kwargs)``."""
        result, after = self.session.call(name, *args, return_args=True, **kwargs)
        return self._wrap(result), after["args"], after["kwargs"]

    @contextlib.contextmanager
    def provide(self, **references):
        """Inside the block, the submission's calls to these names run the grader's code."""
        self.session.stub(references)
        try:
            yield
        finally:
            self.session.unstub()

    def rng(self, name: str) -> np.random.Generator:
        """A generator for one test's random inputs, drawn from the grading run's seed."""
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))

    def _wrap(self, value):
        if isinstance(value, wire.Handle):
            return RemoteObject(self, value)
        if isinstance(value, tuple):
            return tuple(self._wrap(v) for v in value)
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        if isinstance(value, dict):
            return {k: self._wrap(v) for k, v in value.items()}
        return value


# ---------------------------------------------------------------------------- static view


class Submission:
    """The submission's code as text, read here (never trusted to the submission itself)."""

    def __init__(self, notebook: dict):
        self.cells = []
        for cell in notebook.get("cells", []) if isinstance(notebook, dict) else []:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                source = cell.get("source", "")
                self.cells.append("".join(source) if isinstance(source, list) else str(source))
        # Top-level functions and classes: a rule about what a function uses must see through
        # the model class it builds (its methods are where nn.LSTM or attention is called).
        self.functions: dict[str, ast.FunctionDef | ast.ClassDef] = {}
        for source in self.cells:
            for node in _parse(source).body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.functions[node.name] = node  # the last definition wins, as in a run

    def reachable(self, name: str) -> list[ast.AST]:
        """``name``'s definition and those of the notebook functions it calls, transitively."""
        seen, todo, found = set(), [name], []
        while todo:
            current = todo.pop()
            if current in seen or current not in self.functions:
                continue
            seen.add(current)
            node = self.functions[current]
            found.append(node)
            todo += [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
        return found

    def loops_in(self, name: str) -> list[str]:
        """Python loops (``for``/``while``/comprehensions) in ``name`` and its helpers."""
        kinds = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        return [f"{type(n).__name__} at line {n.lineno}" for node in self.reachable(name)
                for n in ast.walk(node) if isinstance(n, kinds)]

    def imported_as(self) -> dict[str, str]:
        """What each name bound by the notebook's imports refers to: ``{"F":
        "torch.nn.functional", "nn": "torch.nn", "np": "numpy"}``, so that a rule such as "no
        PyTorch here" sees through an alias."""
        bound = {}
        for source in self.cells:
            for node in ast.walk(_parse(source)):
                if isinstance(node, ast.Import):
                    for a in node.names:
                        bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else \
                            a.name.split(".")[0]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    for a in node.names:
                        bound[a.asname or a.name] = f"{node.module}.{a.name}"
        return bound

    def modules_used(self, name: str) -> set[str]:
        """The dotted names ``name`` and its helpers use, with import aliases resolved."""
        bound = self.imported_as()
        resolved = set()
        for used in self.names_used(name):
            root, _, rest = used.partition(".")
            full = bound.get(root, root)
            resolved.add(f"{full}.{rest}" if rest else full)
        return resolved

    def names_used(self, name: str) -> set[str]:
        """Every name and dotted attribute chain used in ``name`` and its helpers."""
        used = set()
        for node in self.reachable(name):
            for n in ast.walk(node):
                if isinstance(n, ast.Name):
                    used.add(n.id)
                elif isinstance(n, ast.Attribute):
                    used.add(dotted(n))
                elif isinstance(n, (ast.Import, ast.ImportFrom)):
                    used.update(a.name for a in n.names)
                    if isinstance(n, ast.ImportFrom) and n.module:
                        used.add(n.module)
        return used


def _parse(source: str) -> ast.Module:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


# ---------------------------------------------------------------------------- the tests


@dataclass
class Test:
    name: str
    question: str
    function: object
    public: bool
    source: str = ""


@dataclass
class Lab:
    """A lab's questions, points and tests, as the grader knows them."""

    master: Path
    points: dict[str, float]
    tests: list[Test]

    def of(self, question: str) -> list[Test]:
        return [t for t in self.tests if t.question == question]


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def load_lab(master: Path) -> Lab:
    """Questions and points from the master's ``BEGIN QUESTION`` cells; public tests from its
    test cells; hidden tests from ``checks.py`` beside it."""
    import yaml

    notebook = json.loads(Path(master).read_text())
    points, tests, question, in_tests = {}, [], None, False
    for cell in notebook["cells"]:
        text = _source(cell).strip()
        if cell["cell_type"] == "raw":
            upper = text.upper()
            if upper.startswith("# BEGIN QUESTION"):
                config = yaml.safe_load(text.split("\n", 1)[1])
                question = config["name"]
                points[question] = float(config["points"])
            in_tests = upper.startswith("# BEGIN TESTS") or (in_tests and
                                                             not upper.startswith("# END TESTS"))
            continue
        if in_tests and cell["cell_type"] == "code":
            namespace = {}
            exec(compile(_without_call(text), f"{master.name}:{question}", "exec"), namespace)
            tests += [Test(name, question, value, True, text) for name, value in namespace.items()
                      if name.startswith("test_") and callable(value)
                      and not name.startswith(f"test_{question}_selfcheck")]
    hidden = Path(master).parent / "checks.py"
    if hidden.exists():
        spec = importlib.util.spec_from_file_location(f"bbdl_checks_{master.parent.name}", hidden)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            match = re.match(r"test_(q\d+)_", name)
            if match and callable(value):
                if match.group(1) not in points:
                    raise ValueError(f"{hidden}: {name} is for an unknown question")
                tests.append(Test(name, match.group(1), value, False,
                                  inspect.getsource(value)))
    return Lab(Path(master), points, tests)


def _without_call(text: str) -> str:
    """A public test cell without its last line ``test_...(globals())`` (otter's format)."""
    lines = text.rstrip().splitlines()
    if lines and re.fullmatch(r"test_\w+\(globals\(\)\)", lines[-1].strip()):
        lines = lines[:-1]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- grading


@dataclass
class Outcome:
    scores: dict[str, float] = field(default_factory=dict)
    feedback: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)  # question -> failing tests
    seconds: dict[str, float] = field(default_factory=dict)  # test -> time, when it passed
    restarts: int = 0


def describe(error: BaseException) -> str:
    if isinstance(error, StudentTimeout):
        return "your code did not answer within the time limit"
    if isinstance(error, StudentGone):
        return f"your notebook's process ended ({error})"
    if isinstance(error, StudentRaised):
        return f"your code raised {error}"
    if isinstance(error, AssertionError):
        return str(error).strip()[:1500] or "an assertion failed"
    last = traceback.extract_tb(error.__traceback__)[-1:] or [None]
    where = f" (line {last[0].lineno})" if last[0] else ""
    return f"{type(error).__name__}: {str(error)[:500]}{where}"


def run_tests(lab: Lab, new_session, source: Submission | None, seed: int,
              questions: list[str] | None = None, stop_at_first_failure: bool = False,
              session: Session | None = None,
              costs: dict[str, float] | None = None) -> tuple[Outcome, Session | None]:
    """Run the tests of ``questions`` (all by default). ``new_session()`` returns a started
    ``Session``; it is called again after a test timed out or the process died."""
    outcome, broken = Outcome(), None
    for question in questions or list(lab.points):
        tests = lab.of(question)
        if stop_at_first_failure and costs:  # the quickest tests first: most mutants die there
            tests = sorted(tests, key=lambda t: costs.get(t.name, 0.0))
        passed, lines, failing = 0, [], []
        for test in tests:
            if broken is None and (session is None or not session.alive):
                if session is not None:
                    outcome.restarts += 1
                try:
                    session = new_session()
                except StudentGone as error:
                    broken = str(error)  # no point in trying again for every test
            if broken is not None:
                lines.append(f"{test.name}: not run: {broken}")
                failing.append(test.name)
                continue
            env = Env(session, source, seed)
            started = time.monotonic()
            try:
                test.function(env)
            except Exception as error:  # noqa: BLE001 - any failure fails the test
                lines.append(f"{test.name}: FAILED: {describe(error)}")
                failing.append(test.name)
            else:
                passed += 1
                lines.append(f"{test.name}: passed ({time.monotonic() - started:.1f} s)")
                outcome.seconds[test.name] = time.monotonic() - started
            finally:
                if session.alive and session.callbacks:
                    try:
                        session.unstub()
                    except Exception:  # noqa: BLE001
                        session.kill()
            if failing and stop_at_first_failure:
                break
        outcome.scores[question] = lab.points[question] * passed / len(tests) if tests else 0.0
        outcome.feedback[question] = lines
        outcome.failed[question] = failing
    return outcome, session
