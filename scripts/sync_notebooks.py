"""Write the Colab badge and the setup cell into every chapter notebook, and strip outputs.

Chapter notebooks are committed without outputs, except the cells tagged
``nbval-check-output``: nbval compares those against the stored output, so it stays.

The repository URL and branch come from ``_config.yml`` (the single source of truth), so
moving the repository means editing one file and running ``make sync``. On Colab the setup cell
installs a released ``utils`` (the git tag ``v<version>``, the version in ``pyproject.toml``),
not whatever the branch holds that day.

    python scripts/sync_notebooks.py           # rewrite badges and setup cells
    python scripts/sync_notebooks.py --check   # exit 1 listing notebooks that are stale
    python scripts/sync_notebooks.py chapters/03-cnn/01-conv.ipynb   # just one notebook
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BADGE_TAG, SETUP_TAG = "colab-badge", "colab-setup"
KEEP_OUTPUT_TAG = "nbval-check-output"


def repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    url = repo["url"].rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"_config.yml repository.url must be a GitHub URL, got {url!r}")
    return url, repo.get("branch", "main")


def utils_release() -> str:
    """The git tag of the released `utils` the Colab setup cell installs: v + pyproject version."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version\s*=\s*"([^"]+)"', pyproject, re.MULTILINE).group(1)
    return f"v{version}"


def badge_source(notebook: Path, url: str, branch: str) -> str:
    slug = url.removeprefix("https://github.com/")
    rel = notebook.relative_to(ROOT).as_posix()
    link = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{rel}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({link})"


def setup_source(url: str, branch: str) -> str:
    return (
        "# Setup: on Colab, install the book's `utils` package; elsewhere this does nothing.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    # a released version of utils (a git tag), not whatever the branch holds today\n"
        f'    package = "bbdl-utils @ git+{url}@{utils_release()}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'
    )


def expected_cells(notebook: Path, url: str, branch: str):
    badge = {"cell_type": "markdown", "metadata": {"tags": [BADGE_TAG]},
             "source": badge_source(notebook, url, branch)}
    setup = {"cell_type": "code", "execution_count": None,
             "metadata": {"tags": [SETUP_TAG, "remove-cell"]}, "outputs": [],
             "source": setup_source(url, branch)}
    return badge, setup


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def strip(nb) -> bool:
    """Drop outputs and execution counts except on check-tagged cells; True if clean already."""
    clean = True
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        keep = KEEP_OUTPUT_TAG in _tags(cell)
        if keep and cell.get("outputs"):
            # nbval refuses a reference cell that has outputs but no execution count
            # ("Unrun reference cell has outputs"), so kept outputs keep a fixed count of 1.
            if cell.get("execution_count") != 1:
                clean = False
                cell["execution_count"] = 1
        elif cell.get("execution_count") is not None:
            clean = False
            cell["execution_count"] = None
        if not keep and cell.get("outputs"):
            clean = False
            cell["outputs"] = []
        for out in cell.get("outputs", []):
            if "execution_count" in out and out["execution_count"] is not None:
                clean = False
                out["execution_count"] = None
    return clean


def sync(notebook: Path, url: str, branch: str, check: bool) -> bool:
    """Return True when the notebook was already in sync (in check mode: is fresh)."""
    nb = json.loads(notebook.read_text())
    stripped = strip(nb)
    badge, setup = expected_cells(notebook, url, branch)
    if nb.get("nbformat_minor", 0) >= 5:  # nbformat 4.5 requires every cell to have an id
        badge["id"], setup["id"] = BADGE_TAG, SETUP_TAG
    cells = nb["cells"]
    # The title cell comes first; the badge and setup cell sit right after it.
    current = [c for c in cells if BADGE_TAG in _tags(c) or SETUP_TAG in _tags(c)]
    fresh = (len(cells) >= 3 and BADGE_TAG in _tags(cells[1]) and SETUP_TAG in _tags(cells[2])
             and _text(cells[1]) == badge["source"] and _text(cells[2]) == setup["source"]
             and len(current) == 2)
    if (fresh and stripped) or check:
        return fresh and stripped
    if not fresh:
        rest = [c for c in cells if c not in current]
        nb["cells"] = rest[:1] + [badge, setup] + rest[1:]
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return False


def chapter_notebooks():
    return sorted((ROOT / "chapters").glob("*/*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="only these notebooks (default: every chapter notebook)")
    args = parser.parse_args(argv)
    url, branch = repository()
    notebooks = [nb.resolve() for nb in args.notebooks] or chapter_notebooks()
    stale = [nb for nb in notebooks if not sync(nb, url, branch, args.check)]
    for nb in stale:
        verb = "is stale (badge, setup cell or unstripped outputs)" if args.check else "updated"
        print(f"{nb.relative_to(ROOT)}: {verb}")
    if args.check and stale:
        print("Run `make sync` to fix.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
