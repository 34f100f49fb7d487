"""Write the Colab badge and setup cell of every chapter notebook and lab, and strip outputs.

Chapter notebooks are committed without outputs, except the cells tagged
``nbval-check-output``: nbval compares those against the stored output, so it stays.

Every lab master (``labs/NN-topic/labNN.ipynb``, found by glob, so a new lab needs no entry
here) gets its first code cell written too: on Colab it installs otter-grader (the version
pinned in ``requirements.txt``) and the released ``utils``, and unpacks the public tests from
the published student notebook; elsewhere it finds the notebook's own file even when a download
renamed it. The Colab link on each chapter's lab page (``chapters/NN-topic/lab.md``) is
rewritten the same way. A lab whose published student notebook
(``labs/NN-topic/student/labNN.ipynb``) no longer carries the current setup cell is rebuilt
with ``scripts/labs.py assign --publish``.

The repository URL and branch come from ``_config.yml`` (the single source of truth), so
moving the repository means editing one file and running ``make sync``. On Colab the setup cells
install a released ``utils`` (the git tag ``v<version>``, the version in ``pyproject.toml``),
not whatever the branch holds that day.

    python scripts/sync_notebooks.py           # rewrite badges, setup cells and lab links
    python scripts/sync_notebooks.py --check   # exit 1 listing what is stale
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


# Chapters whose notebooks need more than `utils` itself: the extra of pyproject.toml that the
# Colab setup cell installs with it (Colab has no Spark, Java or Dask).
CHAPTER_EXTRAS = {"07-xgboost": "trees"}


def extras_for(notebook: Path) -> str:
    return CHAPTER_EXTRAS.get(notebook.parent.name, "")


def setup_source(url: str, branch: str, extras: str = "") -> str:
    package = f"bbdl-utils[{extras}]" if extras else "bbdl-utils"
    return (
        "# Setup: on Colab, install the book's `utils` package; elsewhere this does nothing.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    # a released version of utils (a git tag), not whatever the branch holds today\n"
        f'    package = "{package} @ git+{url}@{utils_release()}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'
    )


def expected_cells(notebook: Path, url: str, branch: str):
    badge = {"cell_type": "markdown", "metadata": {"tags": [BADGE_TAG]},
             "source": badge_source(notebook, url, branch)}
    setup = {"cell_type": "code", "execution_count": None,
             "metadata": {"tags": [SETUP_TAG, "remove-cell"]}, "outputs": [],
             "source": setup_source(url, branch, extras_for(notebook))}
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


# ---------------------------------------------------------------------------- labs


def lab_masters():
    """Every lab master, ``labs/NN-topic/labNN.ipynb`` (student copies sit one folder deeper)."""
    return sorted((ROOT / "labs").glob("*/lab*.ipynb"))


def published_notebook(master: Path) -> Path:
    """The committed student notebook that Colab opens (as in ``scripts/labs.py``)."""
    return master.parent / "student" / master.name


def lab_page(master: Path) -> Path:
    return ROOT / "chapters" / master.parent.name / "lab.md"


def otter_requirement() -> str:
    """The otter-grader pin of ``requirements.txt``, installed on Colab too."""
    pins = re.findall(r"^otter-grader==\S+", (ROOT / "requirements.txt").read_text(), re.M)
    if len(pins) != 1:
        raise SystemExit("requirements.txt must pin otter-grader exactly once")
    return pins[0]


def lab_setup_source(master: Path, url: str, branch: str) -> str:
    slug = url.removeprefix("https://github.com/")
    student = published_notebook(master).relative_to(ROOT).as_posix()
    return (
        "# Setup. On Google Colab: install otter-grader and a released version of the book's\n"
        "# `utils`, and unpack the public tests next to the notebook. Elsewhere (the book's\n"
        "# environment) everything is installed already.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    BOOK = "{slug}"  # GitHub owner/repository\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", '
        f'"{otter_requirement()}",\n'
        f'                    f"bbdl-utils @ git+https://github.com/{{BOOK}}@{utils_release()}"],\n'
        "                   check=True)\n"
        "    from utils.selfcheck import unpack_colab_tests\n"
        "\n"
        f'    unpack_colab_tests(f"https://raw.githubusercontent.com/{{BOOK}}/{branch}/"\n'
        f'                       "{student}")\n'
        "\n"
        "import otter\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        '    grader = otter.Notebook(tests_dir="tests")\n'
        "else:  # the notebook's own file, even if the download renamed it\n"
        "    from utils.selfcheck import find_lab_notebook\n"
        "\n"
        f'    grader = otter.Notebook(find_lab_notebook("{master.name}"))'
    )


def _is_setup(cell) -> bool:
    return cell["cell_type"] == "code" and "google.colab" in _text(cell)


def _first_code_cell(nb):
    return next((cell for cell in nb["cells"] if cell["cell_type"] == "code"), None)


def sync_lab(master: Path, url: str, branch: str, check: bool) -> bool:
    """Write the setup cell as the master's first code cell; True when it was current already.

    Only the setup cell is touched: an existing one is rewritten in place (its id and metadata
    kept); a lab without one gets it inserted before its first code cell.
    """
    nb = json.loads(master.read_text())
    expected = lab_setup_source(master, url, branch)
    first = _first_code_cell(nb)
    if first is not None and _text(first) == expected:
        return True
    if check:
        return False
    lines = expected.splitlines(keepends=True)
    if first is not None and _is_setup(first):
        first["source"] = expected if isinstance(first["source"], str) else lines
    else:
        cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": lines}
        if nb.get("nbformat_minor", 0) >= 5:
            cell["id"] = "lab-setup"
        at = nb["cells"].index(first) if first is not None else len(nb["cells"])
        nb["cells"].insert(at, cell)
    master.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return False


def published_is_current(master: Path, url: str, branch: str) -> bool:
    """The committed student notebook exists and starts with the current setup cell."""
    student = published_notebook(master)
    if not student.exists():
        return False
    first = _first_code_cell(json.loads(student.read_text()))
    return first is not None and _text(first) == lab_setup_source(master, url, branch)


COLAB_LAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^\s)]+?/blob/"
                            r"[^\s)]+?/labs/[^\s)]+?\.ipynb")


def colab_link(master: Path, url: str, branch: str) -> str:
    slug = url.removeprefix("https://github.com/")
    rel = published_notebook(master).relative_to(ROOT).as_posix()
    return f"https://colab.research.google.com/github/{slug}/blob/{branch}/{rel}"


def sync_lab_page(master: Path, url: str, branch: str, check: bool) -> bool:
    """Point every Colab link into labs/ on the lab's page at its published student notebook.

    True when they all do already (a page without a Colab link is stale: it needs one).
    """
    page = lab_page(master)
    text = page.read_text()
    links = COLAB_LAB_LINK.findall(text)
    expected = colab_link(master, url, branch)
    if links and all(link == expected for link in links):
        return True
    if not links:
        print(f"{page.relative_to(ROOT)}: add a Colab link, [open {master.name} in Colab]"
              f"({expected})", file=sys.stderr)
        return False
    if not check:
        page.write_text(COLAB_LAB_LINK.sub(expected, text))
    return False


def publish(master: Path):
    """Rebuild the lab's student notebook with otter and commit-copy it (labs.py assign)."""
    import labs  # scripts/labs.py: otter runs only when a student notebook is stale

    labs.assign(master, publish=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="only these notebooks (default: every chapter notebook and lab)")
    args = parser.parse_args(argv)
    url, branch = repository()
    chosen = [nb.resolve() for nb in args.notebooks]
    masters = lab_masters()
    notebooks = [nb for nb in chosen if nb not in masters] if chosen else chapter_notebooks()
    labs_ = [nb for nb in chosen if nb in masters] if chosen else masters
    stale = [(nb, "badge, setup cell or unstripped outputs") for nb in notebooks
             if not sync(nb, url, branch, args.check)]
    stale += [(m, "setup cell") for m in labs_ if not sync_lab(m, url, branch, args.check)]
    stale += [(lab_page(m), "Colab link") for m in labs_ if lab_page(m).exists()
              and not sync_lab_page(m, url, branch, args.check)]
    for master in labs_:
        if not published_is_current(master, url, branch):
            student = published_notebook(master).relative_to(ROOT)
            if args.check:
                stale.append((published_notebook(master), "setup cell (rebuild with "
                              "`python scripts/labs.py assign --publish`)"))
            else:
                print(f"{student}: rebuilding with otter assign")
                publish(master)
    for path, what in stale:
        verb = f"is stale ({what})" if args.check else "updated"
        print(f"{path.relative_to(ROOT)}: {verb}")
    if args.check and stale:
        print("Run `make sync` to fix.", file=sys.stderr)
        return 1
    # a lab page without any Colab link cannot be fixed by rewriting one
    unlinked = [m for m in labs_ if lab_page(m).exists()
                and not COLAB_LAB_LINK.search(lab_page(m).read_text())]
    return 1 if unlinked else 0


if __name__ == "__main__":
    sys.exit(main())
