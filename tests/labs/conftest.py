"""The session-wide, worker-shared lab build and grading results (see labkit.py)."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labkit import LabSession  # noqa: E402


@pytest.fixture(scope="session")
def lab_session(tmp_path_factory) -> LabSession:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by all workers of this session
    shared = root / "bbdl-labs"
    shared.mkdir(exist_ok=True)
    return LabSession(shared)
