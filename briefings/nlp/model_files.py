"""The shipped tagger files: packed perceptron weights that load without parsing a weight at a time.

A file is gzip'd: the magic ``BBP1``; a little-endian uint32 length and a JSON header (the classes
and any extra data, such as the entity tagger's lexicon); a uint32 length and the feature names,
UTF-8, one per line; then every feature's weights, one int32 (weight x 100) per class.

Loading turns each feature's row of int32s into the packed integer of
:class:`briefings.nlp.scoring.Packed` with two big-integer operations: the row read as one unsigned
number, minus twice its fields' sign bits (a field of -1 reads as 2**32 - 1).
"""

from __future__ import annotations

import gzip
import json
import logging
import struct
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefings.errors import ModelFileError
from briefings.nlp.scoring import FIELD, SCALE, Packed

log = logging.getLogger(__name__)

MAGIC = b"BBP1"
_WIDTH = FIELD // 8  # bytes per class weight: an int32, as wide as a packed field


def save_packed(
    path: Path, classes: list[str], weights: Iterable[tuple[str, list[float]]], extra: dict[str, Any] | None = None
) -> None:
    """Write ``(feature, per-class weights)`` rows and ``extra`` header data as a packed model file."""
    n = len(classes)
    names: list[str] = []
    values = array("i")
    for feat, vec in weights:
        row = [round(w * SCALE) for w in vec]
        if any(row):
            if "\n" in feat:
                raise ModelFileError(f"feature name with a newline: {feat!r}")
            names.append(feat)
            values.extend(row)
    if values.itemsize != _WIDTH or len(values) != n * len(names):
        raise ModelFileError("weights do not fit the packed format")
    if struct.pack("=i", 1) != struct.pack("<i", 1):
        values.byteswap()  # the file is little-endian whatever the machine
    header = json.dumps({"classes": classes, **(extra or {})}, separators=(",", ":"), sort_keys=True).encode()
    blob = "\n".join(names).encode("utf-8")
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write(MAGIC + struct.pack("<I", len(header)) + header + struct.pack("<I", len(blob)) + blob)
        fh.write(values.tobytes())


def load_packed(path: Path) -> tuple[Packed, dict[str, Any]]:
    """Read a packed model file: its weights and its header (``classes`` and the extra data)."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    if raw[:4] != MAGIC:
        raise ModelFileError(f"{path.name} is not a packed model file")
    (size,) = struct.unpack_from("<I", raw, 4)
    start = 8 + size
    header = json.loads(raw[8:start])
    (size,) = struct.unpack_from("<I", raw, start)
    names = raw[start + 4 : start + 4 + size].decode("utf-8").split("\n") if size else []
    body = memoryview(raw)[start + 4 + size :]
    n = len(header["classes"])
    row = _WIDTH * n
    if len(body) != row * len(names):
        raise ModelFileError(f"{path.name} is truncated")
    signs = sum(1 << (FIELD * c + FIELD - 1) for c in range(n))
    read = int.from_bytes
    weights: dict[str, int] = {}
    for k, feat in enumerate(names):
        u = read(body[k * row : (k + 1) * row], "little")
        weights[feat] = u - ((u & signs) << 1)
    log.debug("loaded %s (%d features)", path.name, len(names))
    return Packed(header["classes"], weights), header
