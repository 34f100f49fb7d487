"""The sandbox one submission runs in: bubblewrap, seccomp and resource limits.

What the submission gets: a read-only view of the operating system, of Python and of the book's
virtual environment (``utils`` included); a private, size-limited, in-memory ``/scratch`` as its
working folder and ``/tmp``; no network (its own empty network namespace); its own process
namespace, so that every process in it dies with it; no way to start processes at all (a
seccomp filter refuses ``fork``/``vfork`` and non-thread ``clone``); limits on address space,
file size and open files. What it does not get: the checkout (hidden checks, references, the
built labs, other submissions), the home folder, or anything the grader writes.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import struct
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RUNNER_FILES = ("runner.py", "wire.py")


def bwrap() -> str | None:
    return shutil.which("bwrap")


def available() -> tuple[bool, str]:
    """Whether sandboxed grading works here, and why not."""
    if platform.system() != "Linux":
        return False, "bubblewrap needs Linux"
    path = bwrap()
    if not path:
        return False, "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    import subprocess

    probe = subprocess.run([path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
    return True, ""


# ---------------------------------------------------------------------------- seccomp


def seccomp_filter() -> bytes:
    """A classic-BPF seccomp program: refuse new processes, allow threads and everything else.

    ``fork``/``vfork`` fail with EPERM, ``clone`` without ``CLONE_THREAD`` fails with EPERM and
    ``clone3`` with ENOSYS (so the C library falls back to ``clone``, whose flags can be read).
    """
    machine = platform.machine()
    if machine == "x86_64":
        arch, nr = 0xC000003E, {"clone": 56, "fork": 57, "vfork": 58, "clone3": 435}
    elif machine in ("aarch64", "arm64"):
        arch, nr = 0xC00000B7, {"clone": 220, "clone3": 435}
    else:
        return b""
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    ld, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, JSET, BPF_RET|K
    # The last three instructions are: allow, refuse (EPERM), refuse (ENOSYS).
    refusals = [(nr[name], name == "clone3") for name in ("fork", "vfork", "clone3") if name in nr]
    prog = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, allow), (ld, 0, 0, 0)]
    for position, (number, is_clone3) in enumerate(refusals):
        after = len(refusals) - position - 1 + 3  # the rest of the checks, then clone's three
        prog.append((jeq, after + (2 if is_clone3 else 1), 0, number))
    prog += [(jeq, 0, 2, nr["clone"]),          # not clone: allow
             (ld, 0, 0, 16),                    # clone's flags (first argument, low word)
             (jset, 0, 1, 0x00010000),          # CLONE_THREAD: a thread, allow; else refuse
             (ret, 0, 0, allow), (ret, 0, 0, eperm), (ret, 0, 0, enosys)]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in prog)


# ---------------------------------------------------------------------------- the command


def python_dirs() -> list[str]:
    """Folders the interpreter and the virtual environment need, read-only."""
    dirs = {sys.base_prefix, sys.prefix, str(ROOT / "utils")}
    return sorted(d for d in dirs if os.path.isdir(d))


def data_dir() -> str | None:
    """The book's data cache (the Shakespeare texts of Lab 4), read-only, if it exists."""
    from utils.text import data_dir as book_data

    path = book_data()
    return str(path) if path.is_dir() else None


def command(runner_dir: Path, seccomp_fd: int | None, scratch_mb: int = 256,
            tag: str = "") -> list[str]:
    """The ``bwrap`` command line that runs ``runner.py`` from ``runner_dir``."""
    args = [bwrap(), "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", "65534", "--gid", "65534", "--hostname", "sandbox"]
    for path in ("/usr", "/etc", "/opt"):
        if os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for link in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    size = str(scratch_mb * 2**20)
    args += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/tmp",
             "--size", size, "--tmpfs", "/scratch"]
    # after /tmp's tmpfs, so that a checkout or virtual environment under /tmp stays visible
    for path in python_dirs():
        args += ["--ro-bind", path, path]
    data = data_dir()
    if data:
        args += ["--ro-bind", data, data]
    args += ["--ro-bind", str(runner_dir), "/grader", "--chdir", "/scratch", "--clearenv"]
    env = {"HOME": "/scratch", "TMPDIR": "/tmp", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
           "MPLCONFIGDIR": "/scratch/.matplotlib", "PATH": "/usr/bin:/bin",
           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "LANG": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1"}
    if data:
        env["BBDL_DATA_DIR"] = data
    for name, value in env.items():
        args += ["--setenv", name, value]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    # the tag (the submission's name) only makes the process easy to find in `ps`
    return args + ["--", sys.executable, "-I", "/grader/runner.py", tag]


def runner_copy() -> Path:
    """A private copy of the runner's two files (the sandbox never sees this checkout)."""
    folder = Path(tempfile.mkdtemp(prefix="bbdl-runner-"))
    for name in RUNNER_FILES:
        shutil.copyfile(HERE / name, folder / name)
    return folder


def limits(memory_mb: int, file_mb: int):
    """A ``preexec_fn`` that sets resource limits inherited by everything in the sandbox."""
    def apply():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 2**20, file_mb * 2**20))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply
