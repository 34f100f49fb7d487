"""The process that runs one submission, inside the sandbox (or, for the fast proof harness and
``--no-sandbox``, as a plain child process).

    python runner.py        # requests on stdin, answers on stdout (frames of wire.py)

It first takes the protocol pipes for itself and points file descriptors 1 and 2 at a log file,
so nothing the notebook prints can be mistaken for an answer. Then it runs the notebook's code
cells in an IPython shell (magics work; ``grader.check`` cells are skipped: the grader runs its
own checks), announcing each cell before it starts, so the grader can stop a cell that hangs and
start again without it. After that it serves calls: the grader names a function and sends plain
arguments; the runner calls it and sends the plain result back (or the exception's type and
message). An audit hook notes what honest work never does (the *flags*).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402

REQUESTS, ANSWERS = os.dup(0), os.dup(1)
SKIPPED_CELLS = ("grader.check(", "grader.export(", "grader.check_all(")  # the grader checks


def _take_pipes(log_path: str):
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)


def send(message: dict, values=None, handles=None):
    wire.write_all(ANSWERS, wire.pack(message, values, handles))


def receive(handles=None):
    return wire.unpack(lambda n: wire.read_exactly(REQUESTS, n), handles)


# ---------------------------------------------------------------------------- flags


_MISSING = object()


class Flags:
    """What the notebook's own code did that honest work never does (reported, never scored)."""

    EVENTS = {
        "os.fork": "tried to start a process (os.fork)", "os.forkpty": "tried os.forkpty",
        "os.posix_spawn": "tried to start a process", "os.spawn": "tried to start a process",
        "os.system": "ran a shell command", "os.exec": "tried to exec a program",
        "subprocess.Popen": "started a subprocess", "os.kill": "sent a signal to a process",
        "os.killpg": "sent a signal to a process group", "socket.connect": "opened a network "
        "connection", "socket.bind": "opened a network socket", "ctypes.dlopen": "loaded a "
        "C library with ctypes", "gc.get_objects": "searched the heap (gc.get_objects)",
        "gc.get_referrers": "searched the heap (gc.get_referrers)", "os.symlink": "made a "
        "symbolic link", "sys._getframe": "inspected interpreter frames (sys._getframe)",
        "sys.settrace": "installed a trace function", "sys.setprofile": "installed a profiler",
    }

    def __init__(self, scratch: str):
        self.scratch, self.seen, self.busy = scratch, {}, False

    def hook(self, event, args):
        if self.busy or (event not in self.EVENTS and event != "open"):
            return
        self.busy = True
        try:
            caller = sys._getframe(1)
            while caller is not None and "/IPython/" in caller.f_code.co_filename:
                caller = caller.f_back  # IPython wraps open() for the notebook
            if caller is None or not caller.f_code.co_filename.startswith("<ipython-input-"):
                return
            if event == "open":
                self._open(args)
            else:
                self.note(self.EVENTS[event])
        finally:
            self.busy = False

    def _open(self, args):
        path, mode = args[0], args[1] or "r"
        if not isinstance(path, str):
            return
        full = os.path.abspath(path)
        if full.startswith("/proc/") and not full.startswith("/proc/self/"):
            self.note("read another process's /proc entries")
        writes = isinstance(mode, str) and any(c in mode for c in "wax+")
        if writes and not (full.startswith(self.scratch + os.sep) or full.startswith("/tmp/")):
            self.note(f"tried to write outside its scratch folder ({full[:80]})")

    def note(self, text: str):
        self.seen[text] = self.seen.get(text, 0) + 1

    def report(self) -> list[str]:
        return [f"{text} (x{count})" if count > 1 else text for text, count in self.seen.items()]


def replaced_functions() -> list[str]:
    """Testing and grading functions that now point at code written in the notebook."""
    found = []
    for module_name in ("numpy.testing", "numpy", "torch.testing", "torch", "otter",
                        "otter.test_files", "otter.check.notebook", "builtins", "utils.check"):
        module = sys.modules.get(module_name)
        for name, value in (list(vars(module).items()) if module is not None else ()):
            if isinstance(value, (types.FunctionType, types.MethodType)):
                code = getattr(value, "__code__", None) or value.__func__.__code__
                if code.co_filename.startswith("<ipython-input-"):
                    found.append(f"{module_name}.{name}")
    for name, module in list(sys.modules.items()):
        if not isinstance(module, type(sys)) and name.split(".")[0] in (
                "numpy", "torch", "otter", "utils", "builtins", "sys", "os"):
            found.append(f"sys.modules[{name!r}]")
    return found


def other_processes() -> list[int]:
    """Processes in this sandbox besides the sandbox's init (1) and this one."""
    if os.getpid() > 5:  # not in a PID namespace of our own (plain child process): skip
        return []
    mine = {1, os.getpid()}
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in mine]


# ---------------------------------------------------------------------------- the agent


class Agent:
    """Calls into the notebook's namespace on the grader's behalf."""

    def __init__(self, namespace: dict, flags: Flags):
        self.ns, self.flags, self.handles = namespace, flags, wire.Handles()
        self.stubbed: dict[str, object] = {}
        self.saved: dict | None = None

    def serve(self):
        while True:
            try:
                message, values = receive(self.handles)
            except EOFError:
                return
            except wire.ProtocolError as error:
                send({"k": "raised", "type": "ProtocolError", "message": str(error)})
                continue
            if message.get("k") == "bye":
                send({"k": "ok"}, {"flags": self.flags.report(), "processes": other_processes()})
                return
            self.answer(message, values)

    def answer(self, message: dict, values):
        kind = message.get("k")
        try:
            if kind == "call":
                result, args = self.call(message, values or {})
                out = {"result": result}
                if message.get("return_args"):
                    out["args"] = args
                send({"k": "ok"}, out, self.handles)
            elif kind == "getattr":
                target = self.handles.get(int(message["h"]))
                send({"k": "ok"}, {"result": getattr(target, str(message["attr"]))},
                     self.handles)
            elif kind == "get":  # a name's value, unless it is a function (those are called)
                value = self.ns.get(str(message["name"]), _MISSING)
                plain = value is not _MISSING and not callable(value)
                send({"k": "ok"}, {"result": {"value": value if plain else None, "plain": plain}},
                     self.handles)
            elif kind == "has":
                value = self.ns.get(str(message["name"]))
                send({"k": "ok"}, {"result": callable(value)})
            elif kind == "stub":
                for name in message["names"]:
                    self.stubbed.setdefault(name, self.ns.get(name))
                    self.ns[name] = self._stub(name)
                send({"k": "ok"})
            elif kind == "unstub":
                for name, original in self.stubbed.items():
                    if original is None:
                        self.ns.pop(name, None)
                    else:
                        self.ns[name] = original
                self.stubbed.clear()
                send({"k": "ok"})
            elif kind == "exec":  # used by the proof harness to load a variant of the answer
                result = self.shell.run_cell(values, store_history=False)
                send({"k": "ok"}, {"result": bool(result.success)})
            elif kind == "snapshot":
                self.saved = dict(self.ns)
                send({"k": "ok"})
            elif kind == "restore":
                self.ns.clear()
                self.ns.update(self.saved or {})
                send({"k": "ok"})
            elif kind == "flags":
                send({"k": "ok"}, {"result": self.flags.report()})
            else:
                send({"k": "raised", "type": "ProtocolError", "message": f"unknown {kind!r}"})
        except BaseException as error:  # noqa: BLE001 - student code may raise anything
            send({"k": "raised", "type": type(error).__name__, "message": str(error)[:2000],
                  "where": _student_lines(error)})
            if isinstance(error, KeyboardInterrupt):
                raise

    def call(self, message: dict, values: dict):
        args = [self._callable(a) for a in values.get("args", [])]
        kwargs = {k: self._callable(v) for k, v in dict(values.get("kwargs", {})).items()}
        if "h" in message:
            target = self.handles.get(int(message["h"]))
            method = str(message.get("method") or "__call__")
            function = target if method == "__call__" else getattr(target, method)
        else:
            name = str(message["fn"])
            if name not in self.ns:
                raise NameError(f"name '{name}' is not defined: keep the function name the "
                                "question gives")
            function = self.ns[name]
        with float_context(message.get("context") or {}):
            result = function(*args, **kwargs)
        return result, {"args": args, "kwargs": kwargs}

    def _callable(self, value):
        """A function the grader passed (e.g. the f of a gradient checker) becomes a proxy
        that calls back to the grader; the function itself stays there."""
        if isinstance(value, wire.Handle):
            return self._stub(None, value.number)
        return value

    def _stub(self, name: str | None, number: int | None = None):
        def stub(*args, **kwargs):
            send({"k": "callback", "fn": name, "h": number},
                 {"args": list(args), "kwargs": kwargs}, self.handles)
            message, values = receive(self.handles)
            if message.get("k") == "ok":
                return values["result"]
            raise RuntimeError(f"{name} (the grader's version) raised "
                               f"{message.get('type')}: {message.get('message')}")
        stub.__name__ = stub.__qualname__ = name or "grader_function"
        return stub


@contextlib.contextmanager
def float_context(context: dict):
    """The grader's NumPy error state and warnings-as-errors setting, around one call."""
    import warnings

    import numpy as np

    allowed = {"ignore", "warn", "raise", "call", "print", "log"}
    state = {k: v for k, v in dict(context.get("errstate") or {}).items()
             if k in ("divide", "over", "under", "invalid") and v in allowed}
    with np.errstate(**state), warnings.catch_warnings():
        if context.get("warnings_error"):
            warnings.simplefilter("error")
        yield


def _student_lines(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith("<ipython-input-")]
    if not frames:
        return ""
    last = frames[-1]
    return f"line {last.lineno}: {last.line}"[:300]


# ---------------------------------------------------------------------------- main


def run_notebook(shell, notebook: dict, skip: set[int], flags: Flags) -> list[str]:
    errors = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if index in skip or source.strip().startswith(SKIPPED_CELLS) or not source.strip():
            continue
        send({"k": "cell", "i": index})
        result = shell.run_cell(source, store_history=False)
        error = result.error_in_exec or result.error_before_exec
        if error is not None:
            errors.append(f"cell {index}: {type(error).__name__}: {str(error)[:150]}")
    return errors


def main():
    import json

    scratch = os.getcwd()
    _take_pipes(os.path.join(scratch, "output.log"))
    message, values = receive()
    if message.get("k") != "start":
        raise SystemExit("expected a start message")
    notebook = json.loads(values)
    with open(os.path.join(scratch, os.path.basename(message["name"])), "w") as handle:
        handle.write(values)

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="nocolor")
    flags = Flags(scratch)
    sys.addaudithook(flags.hook)
    errors = run_notebook(shell, notebook, set(message.get("skip", [])), flags)
    try:
        changed = replaced_functions()
        if changed:
            flags.note("replaced library or grading functions: " + ", ".join(changed[:6]))
        processes = other_processes()
        if processes:
            flags.note(f"left {len(processes)} process(es) running after its cells")
    except Exception as error:  # noqa: BLE001 - a notebook can leave modules in any state
        flags.note(f"could not inspect the interpreter after the cells ({type(error).__name__})")
    sys.stdout.flush()
    sys.stderr.flush()
    send({"k": "ready"}, {"errors": errors,
                          "output_bytes": os.path.getsize(os.path.join(scratch, "output.log"))})
    agent = Agent(shell.user_ns, flags)
    agent.shell = shell
    agent.serve()


if __name__ == "__main__":
    main()
