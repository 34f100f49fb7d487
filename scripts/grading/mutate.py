"""Mutation testing of a lab's tests: change each solution a little, the tests must notice.

A *mutant* is the code of one question's solution cell with one small change inside the solution
region (between ``# BEGIN SOLUTION`` and ``# END SOLUTION``): an arithmetic or comparison operator
swapped, a constant moved by one or negated, ``axis`` 0 and 1 swapped, ``keepdims`` dropped,
``mean``/``sum``, ``max``/``min`` exchanged, a statement deleted, two statements swapped, or an
argument returned instead of the result. Each mutant is graded on that question's tests (public
and hidden) in the fast harness; it is *killed* when it loses points. A surviving mutant either
shows a missing test or is equivalent to the solution (it computes the same thing); the
equivalent ones are listed, each with its reason, in ``labs/NN-topic/mutants-equivalent.txt``.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass
from pathlib import Path

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
            ast.Pow: ast.Mult, ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
SWAP_CMP = {ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt, ast.GtE], ast.Gt: [ast.GtE, ast.Lt],
            ast.GtE: [ast.Gt, ast.LtE], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq],
            ast.Is: [ast.IsNot], ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In]}
SWAP_NAME = {"mean": "sum", "sum": "mean", "max": "min", "min": "max", "maximum": "minimum",
             "minimum": "maximum", "argmax": "argmin", "argmin": "argmax", "zeros": "ones",
             "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like"}


@dataclass
class Mutant:
    question: str
    ident: str  # stable text: "q2:sigmoid: `z >= 0` -> `z > 0`"
    source: str  # the whole mutated cell


def solution_cells(master: Path) -> dict[str, list[tuple[str, list[range]]]]:
    """``{question: [(cell source, [line ranges of its solution regions]), ...]}``."""
    notebook = json.loads(Path(master).read_text())
    found, question, in_solution = {}, None, False
    for cell in notebook["cells"]:
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "raw":
            first = text.strip().upper()
            if first.startswith("# BEGIN QUESTION"):
                question = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                                if line.strip().startswith("name:"))
            in_solution = first.startswith("# BEGIN SOLUTION") or (
                in_solution and not first.startswith("# END SOLUTION"))
            continue
        if cell["cell_type"] == "code" and in_solution and question:
            regions, start = [], None
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip().startswith("# BEGIN SOLUTION"):
                    start = number + 1
                elif line.strip().startswith("# END SOLUTION") and start:
                    regions.append(range(start, number))
                    start = None
            found.setdefault(question, []).append((text, regions))
    return found


def _inside(node, regions) -> bool:
    line = getattr(node, "lineno", None)
    return line is not None and any(line in r for r in regions)


def _text(node) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 70 else text[:67] + "..."


def _function_of(tree, node) -> str:
    for top in tree.body:
        if isinstance(top, ast.FunctionDef) and any(n is node for n in ast.walk(top)):
            return top.name
    return "module"


def _sites(tree, regions):
    """Every (node index, description, change) that makes one mutant of ``tree``."""
    nodes = list(ast.walk(tree))
    for index, node in enumerate(nodes):
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            for k, statement in enumerate(body):
                if not _inside(statement, regions) or isinstance(statement, ast.Pass):
                    continue
                yield index, f"delete `{_text(statement)}`", ("delete", field, k)
                if k + 1 < len(body) and _inside(body[k + 1], regions):
                    yield index, f"swap `{_text(statement)}` with the next statement", \
                        ("swap", field, k)
        if not _inside(node, regions):
            continue
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in SWAP_BIN:
            new = SWAP_BIN[type(node.op)]
            yield index, f"{type(node.op).__name__} -> {new.__name__}", \
                lambda n, new=new: setattr(n, "op", new())
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                for new in SWAP_CMP.get(type(op), []):
                    def change(n, position=position, new=new):
                        n.ops[position] = new()
                    yield index, f"{type(op).__name__} -> {new.__name__}", change
        if isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield index, f"{type(node.op).__name__} -> {new.__name__}", \
                lambda n, new=new: setattr(n, "op", new())
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            for value in {node.value + 1, node.value - 1, -node.value} - {node.value}:
                yield index, f"{node.value!r} -> {value!r}", \
                    lambda n, value=value: setattr(n, "value", value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            yield index, "drop unary " + type(node.op).__name__, "unwrap"
        if isinstance(node, ast.keyword):
            if node.arg == "keepdims":
                yield index, "drop keepdims", "drop"
            if node.arg == "axis" and isinstance(node.value, ast.Constant):
                value = {0: 1, 1: 0, -1: 0}.get(node.value.value)
                if value is not None:
                    yield index, f"axis={node.value.value} -> axis={value}", \
                        lambda n, value=value: setattr(n.value, "value", value)
        if isinstance(node, ast.Attribute) and node.attr in SWAP_NAME:
            new = SWAP_NAME[node.attr]
            yield index, f".{node.attr} -> .{new}", lambda n, new=new: setattr(n, "attr", new)
        if isinstance(node, ast.Return) and node.value is not None:
            yield index, "return an argument instead", "return-arg"


def _apply(tree, index, change):
    nodes = list(ast.walk(tree))
    node = nodes[index]
    if callable(change):
        change(node)
        return True
    if change == "unwrap":
        return _replace(tree, node, node.operand)
    if change == "drop":
        for parent in ast.walk(tree):
            if isinstance(parent, ast.Call) and node in parent.keywords:
                parent.keywords.remove(node)
                return True
        return False
    if change == "return-arg":
        function = next((f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                         and any(n is node for n in ast.walk(f))), None)
        if function is None or not function.args.args:
            return False
        node.value = ast.Name(id=function.args.args[0].arg, ctx=ast.Load())
        return True
    kind, field, k = change
    body = getattr(node, field)
    if kind == "delete":
        body[k] = ast.Pass()
    else:
        body[k], body[k + 1] = body[k + 1], body[k]
    return True


def _replace(tree, old, new) -> bool:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return True
            if isinstance(value, list) and any(v is old for v in value):
                value[[i for i, v in enumerate(value) if v is old][0]] = new
                return True
    return False


def _assigned(tree) -> list[str]:
    """Names a cell assigns at module level (not inside its functions)."""
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
    return names


def mutants(master: Path) -> list[Mutant]:
    """Every distinct mutant of every question's solution cells, in a stable order."""
    found, seen = [], set()
    for question, cells in solution_cells(master).items():
        for text, regions in cells:
            tree = ast.parse(text)
            original = ast.unparse(tree)
            # A mutant runs on top of the solution's namespace: forget the variables the cell
            # sets at module level, so that deleting such an assignment really removes it.
            forget = "".join(f"globals().pop({name!r}, None)\n" for name in _assigned(tree))
            names: dict[str, int] = {}
            for index, description, change in _sites(tree, regions):
                mutated = copy.deepcopy(tree)
                if not _apply(mutated, index, change):
                    continue
                source = ast.unparse(ast.fix_missing_locations(mutated))
                if source == original or source in seen:
                    continue
                seen.add(source)
                node = list(ast.walk(tree))[index]
                where = _text(node) if not isinstance(node, ast.FunctionDef) else node.name
                ident = f"{question}:{_function_of(tree, node)}: {description} in `{where}`"
                names[ident] = names.get(ident, 0) + 1
                if names[ident] > 1:
                    ident += f" #{names[ident]}"
                found.append(Mutant(question, ident, forget + source))
    return found


def equivalents(master: Path) -> dict[str, str]:
    """``{mutant id: why it is equivalent}`` from ``mutants-equivalent.txt`` beside the master."""
    path = Path(master).parent / "mutants-equivalent.txt"
    listed = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                ident, _, reason = line.partition("  -- ")
                listed[ident.strip()] = reason.strip()
    return listed


def run(lab, solution: Path, harness_class, questions: list[str] | None = None,
        progress=None) -> dict[str, dict]:
    """Grade every mutant of ``questions`` (all by default) on its question's tests.

    Returns ``{question: {"killed": [...], "equivalent": [...], "survived": [...],
    "stale": [...]}}``: ``stale`` lists equivalents that no longer survive (or exist).
    """
    listed = equivalents(lab.master)
    report: dict[str, dict] = {}
    harness = harness_class(lab, solution, call_s=60.0)
    try:
        harness.grade(None, questions)  # the solution first: it times each test
        for mutant in mutants(lab.master):
            if questions and mutant.question not in questions:
                continue
            entry = report.setdefault(mutant.question, {"killed": [], "equivalent": [],
                                                       "survived": [], "stale": []})
            outcome = harness.grade(mutant.source, [mutant.question], stop_at_first_failure=True)
            killed = outcome.scores[mutant.question] < lab.points[mutant.question] - 1e-9
            if killed:
                entry["stale" if mutant.ident in listed else "killed"].append(mutant.ident)
            else:
                entry["equivalent" if mutant.ident in listed else "survived"].append(mutant.ident)
            if progress:
                progress(mutant, killed)
    finally:
        harness.close()
    present = {m.ident for m in mutants(lab.master)}
    for ident in listed:
        question = ident.split(":", 1)[0]
        if ident not in present and (not questions or question in questions):
            report.setdefault(question, {"killed": [], "equivalent": [], "survived": [],
                                         "stale": []})["stale"].append(ident)
    return report
