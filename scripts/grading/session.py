"""The grader's side of the wire: start a submission (sandboxed or not), call its functions.

``Session`` runs the submission's notebook in ``runner.py`` and then answers ``call(...)``
requests with plain values. Every wait has a deadline: a cell that runs too long is stopped and
the notebook is started again without it; a call that runs too long raises ``StudentTimeout``
and the session is marked dead (the caller starts a new one). Callbacks: while a test has
*stubbed* a name, the submission's calls to it come back here and run the grader's reference,
which never leaves this process.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox, wire

HERE = Path(__file__).resolve().parent


class StudentTimeout(RuntimeError):
    """The submission did not answer within its time limit."""


class StudentGone(RuntimeError):
    """The submission's process ended (it exited, crashed or was killed)."""


class StudentRaised(Exception):
    """The submission's function raised; ``kind`` is the exception's type name there."""

    def __init__(self, kind: str, message: str, where: str = ""):
        super().__init__(f"{kind}: {message}" + (f" ({where})" if where else ""))
        self.kind, self.message, self.where = kind, message, where


@dataclass
class Limits:
    cell_s: float = 60.0  # one notebook cell
    call_s: float = 60.0  # one call of a student function (callbacks included)
    memory_mb: int = 6144  # address space of the submission's processes
    file_mb: int = 64  # largest file it may write
    scratch_mb: int = 256  # its in-memory working folder
    restarts: int = 4  # cells skipped after hanging or crashing before giving up


@dataclass
class Started:
    """What running the notebook produced."""

    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    output_bytes: int = 0
    seconds: float = 0.0


class Session:
    def __init__(self, notebook_text: str, name: str, sandboxed: bool = True,
                 limits: Limits | None = None, tag: str = ""):
        self.text, self.name, self.sandboxed, self.tag = notebook_text, name, sandboxed, tag
        self.limits = limits or Limits()
        self.process: subprocess.Popen | None = None
        self.callbacks: dict[str, object] = {}
        self.handles = wire.Handles()  # the grader's own objects (none are sent today)
        self.flags: list[str] = []
        self.started = Started()
        self.skip: list[int] = []
        self._runner_dir: Path | None = None
        self._work: tempfile.TemporaryDirectory | None = None
        self._stderr = None  # bubblewrap's own messages (sandboxed sessions)

    # ------------------------------------------------------------------ process

    def _spawn(self):
        env_limits = sandbox.limits(self.limits.memory_mb, self.limits.file_mb)
        if self.sandboxed:
            self._runner_dir = self._runner_dir or sandbox.runner_copy()
            read_end, write_end = os.pipe()
            os.write(write_end, sandbox.seccomp_filter())
            os.close(write_end)
            cmd = sandbox.command(self._runner_dir, read_end, self.limits.scratch_mb,
                                  "".join(c for c in self.tag if c.isalnum() or c in "-_."))
            self._close_stderr()  # a restarted session's old log
            self._stderr = tempfile.TemporaryFile()
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self._stderr, pass_fds=(read_end,),
                                            preexec_fn=env_limits)
            os.close(read_end)
        else:
            self._work = tempfile.TemporaryDirectory(prefix="bbdl-run-")
            env = {"HOME": self._work.name, "TMPDIR": self._work.name, "MPLBACKEND": "Agg",
                   "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                   "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
                   "MPLCONFIGDIR": os.path.join(self._work.name, ".matplotlib")}
            data = sandbox.data_dir()
            if data:  # HOME moved, so say where the book's data cache is
                env["BBDL_DATA_DIR"] = data
            self.process = subprocess.Popen([sys.executable, "-I", str(HERE / "runner.py"),
                                             self.tag],
                                            cwd=self._work.name, env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, preexec_fn=env_limits)

    def _sandbox_error(self) -> str:
        """bubblewrap's own complaint, if it wrote one (the runner's output goes elsewhere)."""
        stderr = self._stderr
        if stderr is None:
            return ""
        try:
            stderr.seek(0)
            text = stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return f" ({text.splitlines()[-1][:200]})" if text else ""

    def _close_stderr(self):
        stderr, self._stderr = self._stderr, None
        if stderr is not None:
            stderr.close()

    def kill(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        self.process.wait()
        self.process = None
        if self._work is not None:
            self._work.cleanup()
            self._work = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ------------------------------------------------------------------ wire

    def _read(self, n: int, deadline: float) -> bytes:
        fd, chunks, left = self.process.stdout.fileno(), [], n
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise StudentTimeout("no answer in time")
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise StudentGone("the submission's process ended")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _send(self, message: dict, values=None):
        try:
            wire.write_all(self.process.stdin.fileno(), wire.pack(message, values, self.handles))
        except (BrokenPipeError, OSError) as error:
            raise StudentGone(f"the submission's process ended ({error})") from error

    def _receive(self, deadline: float):
        return wire.unpack(lambda n: self._read(n, deadline), self.handles)

    # ------------------------------------------------------------------ notebook

    def start(self) -> Started:
        """Run the notebook; returns what happened (errors, skipped cells, output size)."""
        began = time.monotonic()
        while True:
            self._spawn()
            self._send({"k": "start", "name": self.name, "skip": self.skip}, self.text)
            current = None
            try:
                while True:
                    message, values = self._receive(time.monotonic() + self.limits.cell_s)
                    if message.get("k") == "cell":
                        current = int(message["i"])
                    elif message.get("k") == "ready":
                        self.started.errors = [str(e) for e in values.get("errors", [])][:50]
                        self.started.output_bytes = int(values.get("output_bytes", 0))
                        break
                    else:
                        raise wire.ProtocolError(f"unexpected {message.get('k')!r} while starting")
                break
            except (StudentTimeout, StudentGone, wire.ProtocolError, EOFError) as error:
                self.kill()
                why = ("ran longer than the cell limit" if isinstance(error, StudentTimeout)
                       else "ended the process" if isinstance(error, (StudentGone, EOFError))
                       else f"broke the protocol ({error})")
                if current is None:
                    raise StudentGone(f"the sandbox did not start the notebook: {why}"
                                      f"{self._sandbox_error()}") from error
                if current in self.skip or len(self.skip) >= self.limits.restarts:
                    raise StudentGone(f"the notebook could not be run: a cell {why}") from error
                self.skip.append(current)
                self.started.skipped.append(f"cell {current} {why}; run again without it")
        self.started.seconds = time.monotonic() - began
        return self.started

    # ------------------------------------------------------------------ calls

    def request(self, message: dict, values=None, timeout: float | None = None):
        """Send one request; serve callbacks until its answer; returns the answer's values."""
        if not self.alive:
            raise StudentGone("the submission's process is not running")
        deadline = time.monotonic() + (timeout or self.limits.call_s)
        self._send(message, values)
        try:
            while True:
                answer, got = self._receive(deadline)
                kind = answer.get("k")
                if kind == "ok":
                    return got
                if kind == "raised":
                    raise StudentRaised(str(answer.get("type", "?"))[:100],
                                        str(answer.get("message", ""))[:2000],
                                        str(answer.get("where", ""))[:300])
                if kind == "callback":
                    self._callback(answer, got or {})
                    continue
                raise wire.ProtocolError(f"unexpected answer {kind!r}")
        except (StudentTimeout, StudentGone, wire.ProtocolError, EOFError):
            self.kill()
            raise

    def _callback(self, answer: dict, values: dict):
        name = str(answer.get("fn"))
        if answer.get("h") is not None:  # a function the test passed as an argument
            try:
                reference = self.handles.get(int(answer["h"]))
            except (wire.ProtocolError, TypeError, ValueError):
                reference = None
        else:
            reference = self.callbacks.get(name)
        if reference is None:  # only names stubbed by the running test can be called back
            self._send({"k": "raised", "type": "PermissionError",
                        "message": f"{name} is not provided by the grader now"})
            return
        try:
            result = reference(*values.get("args", []), **values.get("kwargs", {}))
        except Exception as error:  # the student passed our reference bad input
            self._send({"k": "raised", "type": type(error).__name__, "message": str(error)})
            return
        self._send({"k": "ok"}, {"result": result})

    def call(self, function: str, *args, return_args: bool = False, context: dict | None = None,
             **kwargs):
        got = self.request({"k": "call", "fn": function, "return_args": return_args,
                            "context": context or {}}, {"args": list(args), "kwargs": kwargs})
        return (got["result"], got["args"]) if return_args else got["result"]

    def call_handle(self, handle: wire.Handle, method: str = "__call__", *args, **kwargs):
        got = self.request({"k": "call", "h": handle.number, "method": method},
                           {"args": list(args), "kwargs": kwargs})
        return got["result"]

    def getattr(self, handle: wire.Handle, attribute: str):
        return self.request({"k": "getattr", "h": handle.number, "attr": attribute})["result"]

    def lookup(self, name: str):
        """``(True, value)`` for a variable of the submission, ``(False, None)`` for a function
        or a name it does not define."""
        got = self.request({"k": "get", "name": name})["result"]
        return bool(got["plain"]), got["value"]

    def defines(self, name: str) -> bool:
        return bool(self.request({"k": "has", "name": name})["result"])

    def stub(self, references: dict):
        self.callbacks.update(references)
        self.request({"k": "stub", "names": sorted(references)})

    def unstub(self):
        self.callbacks.clear()
        if self.alive:
            self.request({"k": "unstub"})

    def execute(self, source: str) -> bool:
        """Run code in the submission's namespace (the proof harness loads variants this way)."""
        return bool(self.request({"k": "exec"}, source)["result"])

    def snapshot(self):
        self.request({"k": "snapshot"})

    def restore(self):
        self.request({"k": "restore"})

    def close(self, timeout: float = 10.0) -> list[str]:
        """End the submission; returns its flags (what it did that honest work never does)."""
        flags = []
        if self.alive:
            try:
                got = self.request({"k": "bye"}, timeout=timeout)
                flags = [str(f)[:200] for f in got.get("flags", [])][:30]
                if got.get("processes"):
                    flags.append(f"left {len(got['processes'])} process(es) running")
            except Exception:  # noqa: BLE001 - a submission that cannot say goodbye
                flags.append("did not end cleanly when asked")
        self.kill()
        if self._runner_dir is not None:
            import shutil

            shutil.rmtree(self._runner_dir, ignore_errors=True)
            self._runner_dir = None
        self._close_stderr()
        return flags
