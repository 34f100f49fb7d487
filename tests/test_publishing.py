"""What publishing the book relies on: CI is a thin wrapper around `make test`, Binder can build
the environment, and every figure cell carries a caption and alt text."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_pages_workflow_runs_the_same_check_as_ci_and_publishes_the_build():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    runs = [s["run"] for s in steps if "run" in s]
    assert ".ci/run" in runs, "the workflow must run .ci/run (make test), nothing else"
    assert not [r for r in runs if "pip install" in r or "jupyter-book" in r], (
        "the workflow re-implements the Makefile")
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in steps)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_binder_installs_the_pinned_requirements_and_utils():
    assert (ROOT / "requirements.txt").exists()  # repo2docker installs it
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"pip install .*-e \.", post_build.read_text())


def _figure_cells():
    for notebook in sorted((ROOT / "chapters").glob("*/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("mystnb", {})
            if "figure" in meta or "image" in meta:
                yield notebook.name, meta


def test_every_captioned_figure_has_alt_text_and_a_unique_name():
    cells = list(_figure_cells())
    assert len(cells) >= 30
    names = []
    for notebook, meta in cells:
        assert meta.get("figure", {}).get("caption", "").strip(), f"{notebook}: no caption"
        alt = meta.get("image", {}).get("alt", "")
        assert len(alt.split()) >= 5, f"{notebook}: alt text {alt!r} does not say what it shows"
        if "name" in meta["figure"]:
            names.append(meta["figure"]["name"])
    assert len(names) == len(set(names)), "two figures share a name"
