"""Every chapter notebook carries a current Colab badge and setup cell, and is listed in the TOC."""

import json
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


def test_colab_setup_installs_a_released_tag_of_utils_not_a_moving_branch():
    code = sync_notebooks.setup_source(URL, BRANCH)
    tag = sync_notebooks.utils_release()
    assert tag == "v" + __import__("utils").__version__  # the tag names the package's version
    assert f"git+{URL}@{tag}" in code
    assert f"@{BRANCH}" not in code
