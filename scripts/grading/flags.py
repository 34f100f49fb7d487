"""Tamper evidence read from a submission's code (the runner adds what it saw at run time).

Flags name what honest work never does, for the instructor to look at; they never change a
score. Cells that are exactly as handed out (the setup cell imports otter) are not read.
"""

from __future__ import annotations

import ast

MODULES = {"otter": "imports otter outside the setup cell", "psutil": "imports psutil",
           "ctypes": "imports ctypes", "gc": "imports gc", "inspect": "imports inspect",
           "subprocess": "imports subprocess", "multiprocessing": "imports multiprocessing",
           "signal": "imports signal", "socket": "imports socket", "importlib": "imports importlib",
           "builtins": "imports builtins", "pty": "imports pty", "shutil": "imports shutil"}
CALLS = {"os.fork": "calls os.fork", "os.kill": "calls os.kill", "os.system": "calls os.system",
         "os.killpg": "calls os.killpg", "os.setsid": "calls os.setsid",
         "os._exit": "calls os._exit",
         "sys.exit": "calls sys.exit", "os.symlink": "makes a symbolic link",
         "sys.settrace": "installs a trace function", "sys._getframe": "inspects frames",
         "exec": "calls exec", "eval": "calls eval", "__import__": "calls __import__",
         "setattr": "calls setattr"}
TESTING = ("np.testing", "numpy.testing", "torch.testing", "grader", "otter")


def static_flags(cells: list[str], handed_out: set[str]) -> list[str]:
    found: dict[str, None] = {}
    for source in cells:
        if source.strip() in handed_out:
            continue
        try:
            tree = ast.parse("\n".join(line for line in source.splitlines()
                                       if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            for text in _node_flags(node):
                found[text] = None
    return list(found)


def _node_flags(node) -> list[str]:
    out = []
    if isinstance(node, ast.Import):
        out += [MODULES[a.name.split(".")[0]] for a in node.names
                if a.name.split(".")[0] in MODULES]
    elif isinstance(node, ast.ImportFrom) and node.module:
        root = node.module.split(".")[0]
        if root in MODULES:
            out.append(MODULES[root])
    elif isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in CALLS:
            out.append(CALLS[name])
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            name = dotted(target.value if isinstance(target, ast.Subscript) else target)
            if name.startswith(("sys.modules", "sys.meta_path", "sys.path_hooks")):
                out.append(f"changes {name.split('[')[0]}")
            elif isinstance(target, ast.Attribute) and name.startswith(TESTING):
                out.append(f"replaces {name}")
            elif name.startswith(("builtins.", "__builtins__")):
                out.append(f"changes {name}")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        if "/proc/" in node.value:
            out.append("mentions /proc")
        if ".zip" in node.value and "autograder" in node.value:
            out.append("mentions the autograder zip")
    return out


def dotted(node) -> str:
    """``a.b.c`` for an attribute chain (``x[]`` for a subscript), "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Subscript):
        parts.append(dotted(node.value) + "[]")
    return ".".join(reversed(parts))
