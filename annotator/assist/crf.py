"""What the entity and zone models share: training a CRFsuite model into bytes, and the blob
they are stored as (annotator.store.models): magic, length, checksum, the CRF, a JSON payload.

CRFsuite crashes the process (segfault) on a damaged model, so a blob is given to it only when
its bytes are exactly the ones we wrote (blake2b checksum); anything else is a ModelError,
one line, never a traceback."""
from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import zlib
from typing import Any

import pycrfsuite

from ..core.errors import AnnotatorError

DIGEST_SIZE = 32


class ModelError(AnnotatorError):
    """A stored model that cannot be read (damaged, or written by another version)."""


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def train_to_bytes(trainer: pycrfsuite.Trainer) -> bytes:
    """Train (CRFsuite writes to a file) and return the model's bytes."""
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def pack(magic: bytes, crf: bytes, payload: Any) -> bytes:
    extra = zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return magic + struct.pack("<Q", len(crf)) + _digest(crf) + crf + extra


def unpack(magic: bytes, data: bytes, what: str) -> tuple[bytes, Any]:
    """(CRF bytes, payload) of a blob written by `pack`; ModelError if it is not intact."""
    try:
        if not data.startswith(magic):
            raise ValueError(f"not {what}")
        (size,) = struct.unpack_from("<Q", data, len(magic))
        at = len(magic) + 8 + DIGEST_SIZE
        crf = data[at:at + size]
        if len(crf) != size or _digest(crf) != data[len(magic) + 8:at]:
            raise ValueError("damaged (checksum)")
        payload = json.loads(zlib.decompress(data[at + size:]))
    except (ValueError, struct.error, zlib.error) as exc:
        raise ModelError(f"the stored {what} cannot be read ({exc}); "
                         "retrain it with `annotator train`") from None
    return crf, payload


def open_tagger(crf: bytes, what: str) -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open_inmemory(crf)
    except (ValueError, OSError) as exc:
        raise ModelError(f"the stored {what} cannot be read ({exc}); "
                         "retrain it with `annotator train`") from None
    return tagger
