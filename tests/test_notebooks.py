"""Every chapter notebook carries a current Colab badge and setup cell, and is listed in the TOC;
every lab master carries the generated setup cell, and its page the generated Colab link."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import sync_notebooks  # noqa: E402

NOTEBOOKS = sync_notebooks.chapter_notebooks()
URL, BRANCH = sync_notebooks.repository()


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return found


def test_there_are_chapter_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_badge_and_setup_cell_are_present_and_current(notebook):
    nb = json.loads(notebook.read_text())
    assert sync_notebooks.sync(notebook, URL, BRANCH, check=True), (
        f"{notebook.name}: Colab badge / setup cell missing or stale, or outputs not stripped; "
        "run `make sync`")
    badge = "".join(nb["cells"][1]["source"])
    rel = notebook.relative_to(ROOT).as_posix()
    assert f"{URL.removeprefix('https://github.com/')}/blob/{BRANCH}/{rel}" in badge


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(notebook):
    assert notebook.relative_to(ROOT).with_suffix("").as_posix() in toc_files()


def test_every_toc_entry_exists():
    for entry in toc_files():
        matches = [p for p in ROOT.glob(entry + ".*") if p.suffix in {".md", ".ipynb"}]
        assert matches, f"_toc.yml lists {entry!r} but no .md/.ipynb file exists"


def test_no_lab_master_in_the_table_of_contents():
    assert not [f for f in toc_files() if f.startswith("labs/")]


def test_check_mode_detects_a_stale_badge(tmp_path, monkeypatch):
    source = NOTEBOOKS[0]
    nb = json.loads(source.read_text())
    nb["cells"][1]["source"] = nb["cells"][1]["source"].replace(BRANCH, "old-branch")
    copy = source.parent / "zz-stale-copy.ipynb"
    try:
        copy.write_text(json.dumps(nb))
        assert not sync_notebooks.sync(copy, URL, BRANCH, check=True)
        sync_notebooks.sync(copy, URL, BRANCH, check=False)  # repairs it
        assert sync_notebooks.sync(copy, URL, BRANCH, check=True)
        fixed = json.loads(copy.read_text())
        tagged = [c for c in fixed["cells"]
                  if sync_notebooks.BADGE_TAG in c["metadata"].get("tags", [])]
        assert len(tagged) == 1  # replaced, not duplicated
    finally:
        copy.unlink(missing_ok=True)


def test_check_mode_detects_a_missing_setup_cell():
    source = NOTEBOOKS[0]
    nb = json.loads(source.read_text())
    del nb["cells"][2]
    copy = source.parent / "zz-missing-copy.ipynb"
    try:
        copy.write_text(json.dumps(nb))
        assert not sync_notebooks.sync(copy, URL, BRANCH, check=True)
    finally:
        copy.unlink(missing_ok=True)


def test_setup_cell_does_nothing_outside_colab():
    code = sync_notebooks.setup_source(URL, BRANCH)
    # Replace pip with a marker: outside Colab the branch must not run at all.
    probe = code.replace("subprocess.run(", "(lambda *a, **k: print('INSTALLING', *a))(")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "INSTALLING" not in out.stdout
    colab = "import sys, types; sys.modules['google.colab'] = types.ModuleType('g')\n" + probe
    out = subprocess.run([sys.executable, "-c", colab], capture_output=True, text=True, check=True)
    assert "INSTALLING" in out.stdout and URL in out.stdout


def test_chapters_that_need_engines_install_the_extra_that_pyproject_declares():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    for chapter, extra in sync_notebooks.CHAPTER_EXTRAS.items():
        assert extra in extras, f"pyproject.toml declares no extra {extra!r} for {chapter}"
        code = sync_notebooks.setup_source(URL, BRANCH, extra)
        assert f'"bbdl-utils[{extra}] @ git+{URL}@' in code, code


def test_colab_setup_installs_a_released_tag_of_utils_not_a_moving_branch():
    code = sync_notebooks.setup_source(URL, BRANCH)
    tag = sync_notebooks.utils_release()
    assert tag == "v" + __import__("utils").__version__  # the tag names the package's version
    assert f"git+{URL}@{tag}" in code
    assert f"@{BRANCH}" not in code


# -- labs: the setup cell of every lab master and the Colab link of its page ---------------------

LABS = sync_notebooks.lab_masters()


def test_lab_masters_are_found_by_glob_not_by_a_list():
    assert len(LABS) >= 2
    assert LABS == sorted(p for p in (ROOT / "labs").glob("*/lab*.ipynb"))
    assert not [m for m in LABS if "student" in m.parts]


@pytest.mark.parametrize("master", LABS, ids=lambda p: p.name)
def test_lab_setup_cell_page_link_and_published_notebook_are_current(master):
    assert sync_notebooks.sync_lab(master, URL, BRANCH, check=True), (
        f"{master.name}: setup cell stale; run `make sync`")
    assert sync_notebooks.published_is_current(master, URL, BRANCH), (
        f"{master.name}: the published student notebook has an old setup cell; run `make sync`")
    assert sync_notebooks.sync_lab_page(master, URL, BRANCH, check=True), (
        f"{sync_notebooks.lab_page(master).name}: Colab link stale; run `make sync`")


def test_make_lint_check_passes():
    assert sync_notebooks.main(["--check"]) == 0


def test_lab_setup_installs_the_released_utils_and_the_pinned_otter():
    code = sync_notebooks.lab_setup_source(LABS[0], URL, BRANCH)
    slug = URL.removeprefix("https://github.com/")
    pin = next(line for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.startswith("otter-grader=="))
    assert f'BOOK = "{slug}"' in code and f'"{pin}"' in code
    assert f'git+https://github.com/{{BOOK}}@{sync_notebooks.utils_release()}"' in code
    assert f'@{BRANCH}"' not in code, "utils from a moving branch"
    # the public tests come from the student notebook published on the branch
    published = sync_notebooks.published_notebook(LABS[0]).relative_to(ROOT).as_posix()
    assert f"raw.githubusercontent.com/{{BOOK}}/{BRANCH}/" in code and published in code
    assert f'find_lab_notebook("{LABS[0].name}")' in code
    assert max(len(line) for line in code.splitlines()) <= 100  # ruff's line length


def test_lab_setup_outside_colab_installs_nothing_and_finds_a_renamed_notebook(tmp_path):
    master = LABS[0]
    renamed = f"{master.stem} (1).ipynb"  # what a second download is called
    shutil.copyfile(sync_notebooks.published_notebook(master), tmp_path / renamed)
    code = sync_notebooks.lab_setup_source(master, URL, BRANCH)
    probe = code.replace("subprocess.run(", "(lambda *a, **k: print('INSTALLING', *a))(")
    probe += "\nprint('GRADER', type(grader).__name__)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "INSTALLING" not in out.stdout
    assert "GRADER Notebook" in out.stdout and renamed in out.stdout


def _tiny_lab(root: Path, cells) -> Path:
    master = root / "labs" / "03-cnn" / "lab03.ipynb"
    (master.parent / "student").mkdir(parents=True)
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    master.write_text(json.dumps(nb))
    (master.parent / "student" / "lab03.ipynb").write_text(json.dumps(nb))  # not a master
    return master


def test_a_new_lab_gets_the_setup_cell_and_its_page_the_colab_link(tmp_path, monkeypatch):
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    monkeypatch.setattr(sync_notebooks, "ROOT", tmp_path)
    code = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "id": "imports", "source": "import numpy as np"}
    master = _tiny_lab(tmp_path, [
        {"cell_type": "raw", "metadata": {}, "id": "config", "source": "# ASSIGNMENT CONFIG"},
        {"cell_type": "markdown", "metadata": {}, "id": "title", "source": "# Lab 3"}, code])
    page = tmp_path / "chapters" / "03-cnn" / "lab.md"
    page.parent.mkdir(parents=True)
    page.write_text("[open lab03.ipynb in Colab](https://colab.research.google.com/github/"
                    "someone/old/blob/old-branch/labs/03-cnn/student/lab03.ipynb)\n")

    assert sync_notebooks.lab_masters() == [master]
    assert not sync_notebooks.sync_lab(master, URL, BRANCH, check=True)
    sync_notebooks.sync_lab(master, URL, BRANCH, check=False)
    cells = [c for c in json.loads(master.read_text())["cells"] if c["cell_type"] == "code"]
    setup = sync_notebooks._text(cells[0])
    assert setup == sync_notebooks.lab_setup_source(master, URL, BRANCH)
    assert 'find_lab_notebook("lab03.ipynb")' in setup
    assert "labs/03-cnn/student/lab03.ipynb" in setup
    assert [sync_notebooks._text(c) for c in cells[1:]] == ["import numpy as np"]  # kept
    assert cells[0]["id"] == "lab-setup"
    assert sync_notebooks.sync_lab(master, URL, BRANCH, check=True)

    # an old setup cell is rewritten in place, not duplicated
    nb = json.loads(master.read_text())
    nb["cells"][2]["source"] = 'import sys\nif "google.colab" in sys.modules:\n    pass\n'
    master.write_text(json.dumps(nb))
    sync_notebooks.sync_lab(master, URL, BRANCH, check=False)
    cells = [c for c in json.loads(master.read_text())["cells"] if c["cell_type"] == "code"]
    assert len(cells) == 2 and sync_notebooks.sync_lab(master, URL, BRANCH, check=True)

    assert not sync_notebooks.sync_lab_page(master, URL, BRANCH, check=True)
    sync_notebooks.sync_lab_page(master, URL, BRANCH, check=False)
    assert sync_notebooks.sync_lab_page(master, URL, BRANCH, check=True)
    assert sync_notebooks.colab_link(master, URL, BRANCH) in page.read_text()
    assert not sync_notebooks.published_is_current(master, URL, BRANCH)  # needs assign
