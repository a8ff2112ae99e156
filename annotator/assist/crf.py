"""What the entity and zone models share: training a CRFsuite model into bytes, and the blob
they are stored as (annotator.store.models): magic, length, checksum, the CRF, a JSON payload;
and which attributes a model knows (see known_attributes).

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


class Trainer:
    """A CRFsuite trainer in this process: append the training sequences, then train."""

    def __init__(self, params: dict):
        self._trainer = pycrfsuite.Trainer(verbose=False)
        self._trainer.set_params(params)

    def append(self, xseq: list[list[str]], yseq: list[str]) -> None:
        self._trainer.append(xseq, yseq)

    def train(self) -> bytes:
        return train_to_bytes(self._trainer)

    def close(self) -> None:
        pass


# Tokens from which a trainer gets a process of its own (starting one costs ~0.3 s of a
# core: Python and our imports).
OWN_PROCESS_FROM = 20_000
_SEND_EVERY = 2_000  # tokens of features a message to the trainer process carries
# Seconds a trainer process may take to come up (~0.3 s here) before the training is done here.
_UP_WITHIN = 30.0


class TrainerProcess:
    """A CRFsuite trainer in a process of its own, fed while this process works out the next
    sequences' features. Handing CRFsuite the feature strings (it looks each one up in its
    dictionary) costs about as much as making them: on two cores the two overlap (retraining
    on 50,000 glued tokens: ~1 s shorter on average over fifteen alternated runs). The
    model's bytes are exactly those the same sequences give in this process (CRFsuite's
    training is deterministic).

    The process is spawned (as on Windows and macOS), boots while the first sequences are
    made, and ends with `train` or `close`. If it never came up (a script that starts
    training without `if __name__ == "__main__":`, a frozen app without freeze_support),
    the training is done here; if it dies later, ModelError."""

    def __init__(self, params: dict):
        import multiprocessing
        context = multiprocessing.get_context("spawn")
        self._params = params
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_train_here, args=(theirs, params),
                                        name="annotator-crf-trainer", daemon=True)
        self._process.start()
        theirs.close()
        self._batch: list[tuple[list[list[str]], list[str]]] = []
        self._tokens = 0
        self._here: Trainer | None = None  # if the process never came up
        self._up = False

    def append(self, xseq: list[list[str]], yseq: list[str]) -> None:
        if self._here is not None:
            self._here.append(xseq, yseq)
            return
        self._batch.append((xseq, yseq))
        self._tokens += len(yseq)
        if self._tokens >= _SEND_EVERY:
            self._hand_over()

    def train(self) -> bytes:
        try:
            self._hand_over()
            if self._here is not None:
                return self._here.train()
            self._send(("train", None))
            try:
                kind, value = self._conn.recv()
            except (EOFError, OSError):
                raise ModelError("the training process ended without a model") from None
            if kind != "model":
                raise ModelError(f"training failed: {value}")
            # All it has left to do is free its memory, which takes its Python ~0.3 s.
            self._process.kill()
            return value
        finally:
            self.close()

    def close(self) -> None:
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _hand_over(self) -> None:
        """Send the sequences made so far; the first time, once the process says it is up
        (or, if it never comes up, give them to a trainer here instead)."""
        if not self._up and self._here is None:
            try:
                if self._conn.poll(_UP_WITHIN):
                    self._up = self._conn.recv() == ("up", None)
                else:
                    self._process.kill()  # still coming up: not waited for
            except (EOFError, OSError):  # it died coming up
                pass
            if not self._up:
                self._here = Trainer(self._params)
                self.close()
        if self._here is not None:
            for xseq, yseq in self._batch:
                self._here.append(xseq, yseq)
        elif self._batch:
            self._send(("append", self._batch))
        self._batch, self._tokens = [], 0

    def _send(self, message) -> None:
        try:
            self._conn.send(message)
        except OSError:  # (BrokenPipeError among them) the process is gone: it may have said why
            said = None
            try:
                if self._conn.poll():
                    said = self._conn.recv()
            except (EOFError, OSError):
                pass
            if said is not None and said[0] == "error":
                raise ModelError(f"training failed: {said[1]}") from None
            raise ModelError("the training process ended before training") from None


def _train_here(conn, params: dict) -> None:
    """The trainer process: say it is up, append what comes in, train on "train", send the
    model back."""
    trainer = Trainer(params)
    try:
        conn.send(("up", None))
        while True:
            try:
                kind, value = conn.recv()
            except (EOFError, OSError):
                return  # the other side gave up
            if kind == "append":
                for xseq, yseq in value:
                    trainer.append(xseq, yseq)
            else:
                conn.send(("model", trainer.train()))
                return
    except Exception as exc:  # said to the other side, which raises ModelError
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass


def trainer(params: dict, tokens: int) -> "Trainer | TrainerProcess":
    """A trainer for `tokens` tokens of training data: a process of its own for enough of
    them where there is a second core to run it on, else in this process."""
    import multiprocessing
    if tokens < OWN_PROCESS_FROM or (os.cpu_count() or 1) < 2 \
            or multiprocessing.current_process().daemon:  # (daemons have no children)
        return Trainer(params)
    try:
        return TrainerProcess(params)
    except OSError:  # no process to be had: the same work, here
        return Trainer(params)


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


def known_attributes(tagger: pycrfsuite.Tagger) -> frozenset[str] | None:
    """The attributes (feature strings) the model has weights for, read from its dump; None
    if the dump cannot be read back exactly (then nothing may be left out).

    CRFsuite looks each attribute of an item up in the model's dictionary and drops those it
    does not find before scoring, so leaving them out of an item (in order) changes nothing of
    the tags nor of the marginals, bit for bit, and saves the conversion and the look-up of
    each of them (a model trained with L1 keeps a small share of the attributes it saw)."""
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    try:
        tagger.dump(path)
        with open(path, "rb") as fh:
            lines = fh.read().split(b"\n")
    except (OSError, ValueError):
        return None
    finally:
        os.unlink(path)
    if lines and lines[0].endswith(b"\r"):  # written in text mode (Windows): CRLF
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    expected = None
    names: list[str] = []
    section = None
    for line in lines:
        line = line.lstrip(b" ")  # ids are right-aligned; a name keeps its own spaces
        if section is None:
            if line.endswith(b" = {"):
                section = line[:-4]
        elif line == b"}":
            section = None
        elif section == b"FILEHEADER" and line.startswith(b"num_attrs: "):
            count = line[len(b"num_attrs: "):]
            expected = int(count) if count.isdigit() else None
        elif section == b"ATTRIBUTES":
            number, sep, name = line.partition(b": ")
            if not sep or number != str(len(names)).encode():
                return None  # an attribute with a line break in it: not read back exactly
            names.append(name.decode("utf-8", "surrogateescape"))
    if expected != len(names):
        return None
    return frozenset(names)


def kept(features, known: frozenset[str] | None) -> list[str]:
    """`features` without the attributes the model does not know (see known_attributes), in
    their order. An attribute with a NUL in it is kept: CRFsuite reads it up to the NUL."""
    if known is None:
        return list(features)
    return [f for f in features if f in known or "\0" in f]
