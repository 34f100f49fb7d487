"""utils.selfcheck: unpacking a lab's public tests for otter on Colab."""

import json
import sys
import types

import pytest

from utils import selfcheck

EXCEPTION_TEST = ("from otter.test_files import test_case\n\nOK_FORMAT = False\n\nname = \"q1\"\n"
                  "points = 1\n\n@test_case(points=None, hidden=False)\n"
                  "def test_one(env):\n    assert env['f'](1) == 2\n")
NOTEBOOK = {"cells": [], "metadata": {"otter": {"OK_FORMAT": False, "tests": {
    "q1": EXCEPTION_TEST, "q2": EXCEPTION_TEST.replace('"q1"', '"q2"')}}},
    "nbformat": 4, "nbformat_minor": 5}


def test_write_tests_writes_one_file_per_question(tmp_path):
    names = selfcheck.write_tests(NOTEBOOK, tmp_path / "tests")
    assert names == ["q1", "q2"]
    assert (tmp_path / "tests" / "q1.py").read_text() == EXCEPTION_TEST


def test_written_tests_run_under_otter(tmp_path):
    from otter.test_files import create_test_file

    selfcheck.write_tests(NOTEBOOK, tmp_path)
    test = create_test_file(str(tmp_path / "q1.py"), None)
    test.run({"f": lambda x: x + 1})
    assert test.passed_all
    test.run({"f": lambda x: x})
    assert not test.passed_all


def test_ok_format_tests_become_python_files(tmp_path):
    ok = {"name": "q1", "points": 1, "suites": [{"cases": [], "scored": True, "setup": "",
                                                 "teardown": "", "type": "doctest"}]}
    text = selfcheck.test_file_source(ok)
    namespace = {}
    exec(text, namespace)
    assert namespace["OK_FORMAT"] is True and namespace["test"] == ok


def test_clear_errors_for_wrong_input():
    with pytest.raises(TypeError, match="dict"):
        selfcheck.public_tests("lab01.ipynb")
    with pytest.raises(ValueError, match="no otter tests"):
        selfcheck.public_tests({"cells": [], "metadata": {}})
    with pytest.raises(TypeError, match="str or a dict"):
        selfcheck.test_file_source(3)


def test_outside_colab_there_is_no_colab_notebook():
    assert selfcheck.colab_notebook() is None


def test_unpack_uses_the_colab_front_end(tmp_path, monkeypatch):
    message = types.SimpleNamespace(blocking_request=lambda *a, **k: {"ipynb": NOTEBOOK})
    colab = types.ModuleType("google.colab")
    colab._message = message
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab._message", message)
    names = selfcheck.unpack_colab_tests("https://unused.invalid/x.ipynb", tmp_path / "tests")
    assert names == ["q1", "q2"]


def test_unpack_falls_back_to_the_published_notebook(tmp_path):
    published = tmp_path / "lab.ipynb"
    published.write_text(json.dumps(NOTEBOOK))
    names = selfcheck.unpack_colab_tests(published.as_uri(), tmp_path / "tests")
    assert names == ["q1", "q2"] and (tmp_path / "tests" / "q2.py").exists()


def test_unpack_says_what_failed_without_internet(tmp_path):
    with pytest.raises(RuntimeError, match="could not fetch"):
        selfcheck.unpack_colab_tests((tmp_path / "missing.ipynb").as_uri(), tmp_path / "tests")
