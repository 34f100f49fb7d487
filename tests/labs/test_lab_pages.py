"""Every lab has a page in the book that links the student notebook for download and for Colab."""

import re

import pytest
import yaml
from labkit import MASTERS, ROOT, lab_id, labs

pytestmark = pytest.mark.parametrize("master", MASTERS, ids=lab_id)


def page(master):
    return ROOT / "chapters" / lab_id(master) / "lab.md"


def test_lab_page_exists_and_is_in_the_table_of_contents(master):
    assert page(master).exists(), f"write {page(master).relative_to(ROOT)} (see teaching.md)"
    entry = page(master).relative_to(ROOT).with_suffix("").as_posix()
    assert f"file: {entry}\n" in (ROOT / "_toc.yml").read_text(), f"add {entry} to _toc.yml"


def test_lab_page_links_the_generated_student_notebook_for_download(master):
    text = page(master).read_text()
    target = f"../../_build/labs/{lab_id(master)}/student/{master.name}"
    roles = re.findall(r"\{download\}`[^`<]*<([^>]+)>`", text)
    assert target in roles, f"{page(master).name} needs {{download}}`{master.name} <{target}>`"


def test_lab_page_links_the_published_notebook_for_colab(master):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    slug = config["url"].removeprefix("https://github.com/").rstrip("/")
    rel = labs.published_notebook(master).relative_to(ROOT).as_posix()
    branch = config.get("branch", "main")
    url = f"https://colab.research.google.com/github/{slug}/blob/{branch}/{rel}"
    assert url in page(master).read_text(), f"{page(master).name} needs the Colab link {url}"
    assert labs.published_notebook(master).exists(), f"commit {rel} (labs.py assign --publish)"
