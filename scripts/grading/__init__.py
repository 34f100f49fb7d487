"""Trusted grading of lab submissions (see teaching.md, "How grading works").

The student's notebook runs in a sandbox (``sandbox.py``) under ``runner.py``; the grader, outside,
calls the student's functions through a pipe (``wire.py`` carries plain values only), and decides
every check itself (``session.py``, ``tests.py``). Reference implementations and hidden checks
(``labs/NN-topic/checks.py``) never enter the sandbox.
"""
