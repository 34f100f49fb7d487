"""A corpus of hostile Lab 1 submissions, each graded in the sandbox with the rest of a batch.

Each attack is a cell added to the blank student notebook (its honest content earns 0) or to
the solution (its honest content earns full marks). The grade must be what the honest content
earns; nothing may keep running, change outside the sandbox or leak out of it.
"""

from __future__ import annotations

import json
from pathlib import Path

MARK = "hostile-"


def cell(source: str, cell_id: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": {},
            "outputs": [], "source": source}


def leak_dir(folder: Path) -> Path:
    return Path(folder) / "leaked"


def tamper_cells(folder: Path, zip_path: Path) -> list[str]:
    leak = str(leak_dir(folder))
    return [
        # make the checks pass: no-op asserts, otter's runner patched, AssertionError replaced
        "import builtins\nimport numpy as np\nimport numpy.testing\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.testing.assert_array_equal = lambda *a, **k: None\n"
        "from otter.test_files import exception_test\n"
        "exception_test.ExceptionTestFile.run = lambda self, env: None\n"
        "builtins.AssertionError = type('NeverRaised', (Exception,), {})",
        # write passing test files where otter looks for them
        "import os\nos.makedirs('tests', exist_ok=True)\n"
        "for q in range(1, 7):\n"
        "    open(f'tests/q{q}.py', 'w').write('OK_FORMAT = False\\nname = \"q%d\"\\n' % q)",
        # find the autograder zip and the hidden checks: by path, through /proc, by search
        f"import glob, os, shutil\nfound = []\nfor path in [{str(zip_path)!r}] + "
        "glob.glob('/work/**/*autograder*.zip', recursive=True)[:5] + "
        "glob.glob('/work/*/labs/*/checks.py') + glob.glob('/root/**/checks.py')[:5] + "
        "glob.glob('/tmp/**/*.zip', recursive=True)[:5]:\n"
        "    try:\n        data = open(path, 'rb').read()\n        found.append(path)\n"
        "        open(path, 'wb').write(b'overwritten')\n    except OSError:\n        pass\n"
        "for pid in os.listdir('/proc'):\n"
        "    try:\n        found.append(open(f'/proc/{pid}/cmdline').read())\n"
        "    except OSError:\n        pass\n"
        f"os.makedirs({leak!r}, exist_ok=True)\n"
        f"open(os.path.join({leak!r}, 'found.txt'), 'w').write(repr(found))",
        # escape the scratch folder by a symbolic link
        "import os\ntry:\n    os.symlink('/', 'root')\n"
        "    open('root/usr/escaped.txt', 'w').write('x')\nexcept OSError as e:\n    print(e)",
        # forge answers on every file descriptor but the standard ones
        "import os\nfor fd in range(3, 64):\n    try:\n"
        "        os.write(fd, b'\\x00\\x00\\x00\\x10\\x00\\x00\\x00\\x00{\"k\": \"ready\"}')\n"
        "    except OSError:\n        pass",
    ]


PROCESS_CELLS = [
    # a detached process, a fork bomb and a thread that never stops
    "import subprocess\ntry:\n"
    "    subprocess.Popen(['/bin/sh', '-c', 'sleep 600 # hostile-detached'],\n"
    "                     start_new_session=True)\nexcept OSError as e:\n    print(e)",
    "import os\nchildren = 0\ntry:\n    while children < 10_000:\n"
    "        if os.fork() == 0:\n            while True:\n                pass\n"
    "        children += 1\nexcept OSError as e:\n    print('fork refused after', children, e)",
    "import threading\n\ndef spin():\n    while True:\n        pass\n\n"
    "threading.Thread(target=spin, daemon=True).start()",
]

CRASH_CELLS = [
    "import sys\nsys.exit(3)",
    "import os\nos._exit(0)",
    "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "chunk = b'0' * 2**20\nwith open('fill.bin', 'wb') as f:\n    try:\n"
    "        for _ in range(100_000):\n            f.write(chunk)\n"
    "    except OSError as e:\n        print('disk full:', e)",
    "import numpy as np\ntry:\n    huge = np.ones(10**11)\nexcept MemoryError as e:\n"
    "    print('no memory:', e)",
]


def _with_cells(notebook: dict, sources: list[str], prefix: str) -> dict:
    copy = json.loads(json.dumps(notebook))
    at = next(i for i, c in enumerate(copy["cells"]) if c["cell_type"] == "code") + 1
    for k, source in enumerate(sources):
        copy["cells"].insert(at + k, cell(source, f"{prefix}-{k}"))
    return copy


def corpus(solution: dict, student: dict, folder: Path, zip_path: Path) -> dict[str, dict]:
    """``{name: notebook}``; names say whether honest content earns 0 (blank) or all."""
    return {f"{MARK}tamper-blank": _with_cells(student, tamper_cells(folder, zip_path), "t"),
            f"{MARK}processes-solution": _with_cells(solution, PROCESS_CELLS, "p"),
            f"{MARK}crashes-solution": _with_cells(solution, CRASH_CELLS, "c")}


def leaks(folder: Path) -> list[str]:
    found = [str(p) for p in leak_dir(folder).rglob("*")] if leak_dir(folder).exists() else []
    return found + [p for p in ("/usr/escaped.txt",) if Path(p).exists()]


def survivors() -> list[str]:
    """Processes left from a hostile submission (their command lines name it)."""
    import psutil

    left = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info.get("cmdline") or [])
        if MARK in line and "pytest" not in line:
            left.append(line[:200])
    return left
