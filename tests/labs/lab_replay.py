"""The fast proof harness: grade many variants of a lab's solution in one unsandboxed runner.

A variant is the solution notebook with some code run after it (a wrong answer from ``wrong/``,
or a mutant of one solution cell), as if the student had written that code instead. The harness
runs the solution notebook once in ``grading.session.Session`` (no sandbox: our own code), takes
a snapshot of its namespace, and for each variant restores the snapshot, runs the variant's code
and the grader's tests (the same ``grading.checks.run_tests`` that ``make grade`` uses). It
replaces one ~40 s sandboxed grading run per variant with well under a second for most. A test
checks that the sandboxed ``make grade`` gives the same scores for one wrong answer per lab.
"""

from __future__ import annotations

from pathlib import Path

from grading.checks import Lab, Submission, run_tests
from grading.session import Limits, Session

SEED = 20241201  # fixed, so that proofs are repeatable


class Harness:
    def __init__(self, lab: Lab, solution: Path, call_s: float = 120.0):
        self.lab, self.text = lab, Path(solution).read_text()
        self.limits = Limits(cell_s=300, call_s=call_s)
        self.source = Submission(__import__("json").loads(self.text))
        self.session: Session | None = None
        self.restarts = 0
        self.costs: dict[str, float] = {}  # seconds per test on the solution

    def _new(self) -> Session:
        if self.session is not None:
            self.session.close()
            self.restarts += 1
        self.session = Session(self.text, self.lab.master.name, sandboxed=False,
                               limits=self.limits)
        self.session.start()
        self.session.snapshot()
        return self.session

    def grade(self, code: str | None = None, questions: list[str] | None = None,
              stop_at_first_failure: bool = False):
        """Scores ``{question: score}`` and failing tests after running ``code`` on top of
        the solution (``None``: the solution itself)."""
        if self.session is None or not self.session.alive:
            self._new()
        else:
            self.session.restore()
        if code is not None:
            self.session.execute(code)
        # the grader reads a submission's code as text (rules such as "no loop"): the variant
        # is the solution's cells with the variant's code added last (the last definition wins)
        source = self.source if code is None else Submission(
            {"cells": [{"cell_type": "code", "source": c} for c in self.source.cells + [code]]})
        outcome, session = run_tests(self.lab, self._restart_with(code), source, SEED,
                                     questions, stop_at_first_failure, session=self.session,
                                     costs=self.costs)
        self.session = session
        if code is None:
            self.costs.update(outcome.seconds)
        return outcome

    def _restart_with(self, code):
        def new_session():
            session = self._new()
            if code is not None:
                session.execute(code)
            return session
        return new_session

    def close(self):
        if self.session is not None:
            self.session.close()


def dependents(lab: Lab, solution_source: Submission, question: str,
               names: set[str]) -> list[str]:
    """``question`` and the later questions whose functions call any of ``names``."""
    order = list(lab.points)
    found = [question]
    for later in order[order.index(question) + 1:]:
        graded = graded_functions(lab, later)
        if any(names & {n for f in graded for n in solution_source.names_used(f)}
               for f in graded):
            found.append(later)
    return found


def graded_functions(lab: Lab, question: str) -> list[str]:
    """The names a question's tests call as ``env["name"]`` (read from their source)."""
    import re

    names = set()
    for test in lab.of(question):
        names.update(re.findall(r'env\["(\w+)"\]', test.source))
    return sorted(names)
