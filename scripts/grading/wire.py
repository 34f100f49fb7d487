"""Plain values over a pipe: the only thing that crosses the sandbox wall.

A message is a JSON header plus raw array buffers. Values are ``None``, booleans, numbers,
strings, lists, tuples, dicts, NumPy arrays and scalars of numeric dtypes and torch tensors
(sent as arrays). Anything else (a model, a cache) stays where it was made and travels as a
*handle*: a number the other side can pass back, call or ask an attribute of. Nothing is
unpickled and no code crosses, so a hostile sandbox can send wrong values but never run code in
the grader.

Frame: ``>II`` (header bytes, buffer count), the header, then ``>Q`` + bytes per buffer.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np

MAX_MESSAGE = 512 * 2**20  # bytes; a bigger message is a protocol error, not a memory blow-up
DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"}
VIEWS = {"T", "every-other-column"}


class ProtocolError(RuntimeError):
    """The other side sent something that is not a well-formed message."""


class Handle:
    """An object that stayed on the other side; ``kind`` is its type name as reported there."""

    def __init__(self, number: int, kind: str = "", mro: tuple = ()):
        self.number, self.kind, self.mro = number, kind, tuple(mro)

    def __repr__(self):
        return f"<remote {self.kind or 'object'} #{self.number}>"


class View:
    """An array that arrives as a non-contiguous view of the same values.

    ``View(a, "T")`` arrives as ``b.T`` with ``b = a.T.copy()`` (Fortran order);
    ``View(a, "every-other-column")`` arrives as ``b[..., ::2]`` of a twice-as-wide ``b``."""

    def __init__(self, array, kind: str):
        if kind not in VIEWS:
            raise ValueError(f"unknown view {kind!r}; use one of {sorted(VIEWS)}")
        self.array, self.kind = np.asarray(array), kind


def _torch():
    import sys

    return sys.modules.get("torch")


def encode(value, buffers: list, handles=None):
    """``value`` as JSON-able data; arrays go to ``buffers``; other objects to ``handles``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic) and value.dtype.name in DTYPES:  # before float: np.float64
        return {"$s": _encode_array(np.asarray(value), buffers)}
    if isinstance(value, int):
        return {"$i": str(value)} if abs(value) >= 2**53 else value
    if isinstance(value, float):
        return {"$f": repr(value)}
    if isinstance(value, (list, tuple)):
        return {"$l" if isinstance(value, list) else "$t": [encode(v, buffers, handles)
                                                           for v in value]}
    if isinstance(value, dict):
        return {"$d": [[encode(k, buffers, handles), encode(v, buffers, handles)]
                       for k, v in value.items()]}
    if isinstance(value, Handle):
        return {"$h": value.number}
    if isinstance(value, View):
        base = value.array.T.copy() if value.kind == "T" else _widen(value.array)
        return {"$v": value.kind, "a": _encode_array(base, buffers)}
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.name in DTYPES:
        data = _encode_array(np.asarray(value), buffers)
        return {"$s": data} if isinstance(value, np.generic) else data
    torch = _torch()
    if torch is not None and isinstance(value, torch.Tensor):
        array = value.detach().cpu().resolve_conj().numpy()
        if array.dtype.name in DTYPES:
            return {"$T": _encode_array(array, buffers), "grad": bool(value.requires_grad)}
    if handles is None:
        raise TypeError(f"cannot send a {type(value).__name__} (only plain values cross)")
    number = handles.keep(value)
    kind = type(value)
    return {"$H": number, "kind": f"{kind.__module__}.{kind.__qualname__}",
            "mro": [f"{k.__module__}.{k.__qualname__}" for k in kind.__mro__]}


def _widen(a):
    a = np.asarray(a)
    base = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
    base[..., ::2] = a
    return base


def _encode_array(array: np.ndarray, buffers: list) -> dict:
    buffers.append(np.ascontiguousarray(array).tobytes())
    return {"$a": len(buffers) - 1, "dtype": array.dtype.name, "shape": list(array.shape)}


def decode(data, buffers: list, handles=None):
    """The inverse of :func:`encode`. ``handles`` resolves ``$h`` (objects kept on this side)."""
    if data is None or isinstance(data, (bool, str, int)):
        return data
    if isinstance(data, float):  # only from a hand-made message; encode never writes one
        return data
    if not isinstance(data, dict) or len(data) == 0:
        raise ProtocolError(f"unexpected value {str(data)[:80]!r}")
    if "$i" in data:
        return int(data["$i"])
    if "$f" in data:
        return float(data["$f"])
    if "$l" in data:
        return [decode(v, buffers, handles) for v in data["$l"]]
    if "$t" in data:
        return tuple(decode(v, buffers, handles) for v in data["$t"])
    if "$d" in data:
        return {_key(decode(k, buffers, handles)): decode(v, buffers, handles)
                for k, v in data["$d"]}
    if "$a" in data:
        return _decode_array(data, buffers)
    if "$s" in data:
        return _decode_array(data["$s"], buffers)[()]
    if "$v" in data:
        base = _decode_array(data["a"], buffers)
        return base.T if data["$v"] == "T" else base[..., ::2]
    if "$T" in data:
        import torch

        return torch.from_numpy(_decode_array(data["$T"], buffers))  # never requires grad
    if "$H" in data:
        return Handle(int(data["$H"]), str(data.get("kind", ""))[:200],
                      [str(k)[:200] for k in data.get("mro", [])][:50])
    if "$h" in data:
        if handles is None:
            raise ProtocolError("a handle was sent where none can be resolved")
        return handles.get(int(data["$h"]))
    raise ProtocolError(f"unknown value tag in {str(data)[:80]!r}")


def _key(key):
    if isinstance(key, (str, int, float, bool, tuple)) or key is None:
        return key
    raise ProtocolError(f"a dict key must be a plain value, got {type(key).__name__}")


def _decode_array(data: dict, buffers: list) -> np.ndarray:
    try:
        dtype, shape, raw = np.dtype(data["dtype"]), tuple(int(s) for s in data["shape"]), \
            buffers[int(data["$a"])]
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ProtocolError(f"bad array description {str(data)[:80]!r}") from error
    if dtype.name not in DTYPES or any(s < 0 for s in shape):
        raise ProtocolError(f"refused array of dtype {dtype.name} and shape {shape}")
    if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw):
        raise ProtocolError(f"array of shape {shape} and dtype {dtype} does not fit its buffer")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


class Handles:
    """Objects kept on this side and known to the other by number."""

    def __init__(self):
        self.objects: dict[int, object] = {}

    def keep(self, value) -> int:
        number = len(self.objects) + 1
        self.objects[number] = value
        return number

    def get(self, number: int):
        if number not in self.objects:
            raise ProtocolError(f"no object #{number} here")
        return self.objects[number]


# ---------------------------------------------------------------------------- framing


def pack(message: dict, values: dict | None = None, handles=None) -> bytes:
    """One frame: ``message`` (plain JSON) with ``values`` encoded under the key ``"v"``."""
    buffers: list[bytes] = []
    if values is not None:
        message = dict(message, v=encode(values, buffers, handles))
    header = json.dumps(message, allow_nan=False).encode()
    parts = [struct.pack(">II", len(header), len(buffers)), header]
    for buffer in buffers:
        parts += [struct.pack(">Q", len(buffer)), buffer]
    return b"".join(parts)


def unpack(frame_reader, handles=None) -> tuple[dict, object]:
    """Read one frame with ``frame_reader(n) -> bytes``; returns ``(message, values)``."""
    size, count = struct.unpack(">II", frame_reader(8))
    if size > MAX_MESSAGE or count > 100_000:
        raise ProtocolError(f"message too large ({size} header bytes, {count} buffers)")
    try:
        message = json.loads(frame_reader(size))
    except ValueError as error:
        raise ProtocolError(f"header is not JSON: {error}") from error
    if not isinstance(message, dict):
        raise ProtocolError("header is not an object")
    total, buffers = size, []
    for _ in range(count):
        (length,) = struct.unpack(">Q", frame_reader(8))
        total += length
        if total > MAX_MESSAGE:
            raise ProtocolError(f"message larger than {MAX_MESSAGE} bytes")
        buffers.append(frame_reader(length))
    values = decode(message.pop("v"), buffers, handles) if "v" in message else None
    return message, values


def read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_all(fd: int, data: bytes):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
