"""Exchange formats, one module each. Readers turn files into ImportRecords (or Rejected lines);
writers stream a project's documents and layers out.

`READERS` maps a format name to a reader; `EXTENSIONS` maps a file ending to a format name, so the
CLI can pick the format from `--format` or from the file. Format modules register themselves
in `_register()` below.
"""
from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO, Union

from ..core.errors import InputError
from ..core.text import decode_bytes
from ..store import ImportRecord


@dataclass
class Rejected:
    """A file or a line that cannot be imported: `where` is `path` or `path:line`."""
    where: str
    message: str


ReadResult = Union[ImportRecord, Rejected]
# reader(path, layer=None, schema=None) -> iterator of records and rejections
Reader = Callable[..., Iterator[ReadResult]]

@dataclass
class ExportOptions:
    layer: str = "all"            # a layer name, "gold", or "all"
    status: str | None = None     # keep only documents with this status
    utf16: bool = False           # add UTF-16 offsets for JavaScript consumers
    body_only: bool = False       # formats that can: keep only text in `body` zones
    progress: Callable[[int], None] | None = None  # called with the count so far


# writer(project, out, options) -> number of documents written; out=None means stdout
Writer = Callable[..., int]

READERS: dict[str, Reader] = {}
WRITERS: dict[str, Writer] = {}
EXTENSIONS: dict[str, str] = {}


def register(name: str, reader: Reader | None = None, extensions: Iterable[str] = (),
             writer: Writer | None = None) -> None:
    if reader is not None:
        READERS[name] = reader
    if writer is not None:
        WRITERS[name] = writer
    for ext in extensions:
        EXTENSIONS.setdefault(ext, name)


def decode_file(path: Path):
    """The file's decoded text (see core.text.decode_bytes), or a Rejected saying why not."""
    try:
        return decode_bytes(path.read_bytes())
    except OSError as exc:
        return Rejected(str(path), f"cannot read: {exc.strerror}")
    except InputError as exc:
        return Rejected(str(path), str(exc))


def format_for(path: Path) -> str | None:
    return EXTENSIONS.get(os.path.splitext(path.name)[1].lower())


def expand_paths(paths: Iterable[Path], fmt: str | None = None
                 ) -> Iterator[tuple[Path, Path | None, str | None] | Rejected]:
    """(file, the folder it was found in or None, its format) for files named and files inside
    folders named (recursively, in a stable sorted order). Inside a folder, files whose ending
    belongs to a readable format are taken, or, when `fmt` is given, every file (CoNLL corpora
    are often .txt)."""
    for path in paths:
        if path.is_dir():
            for p in _walk_sorted(path):
                name = fmt or format_for(p)
                if name in READERS:
                    yield p, path, name
        elif path.is_file():
            yield path, None, fmt or format_for(path)
        else:
            yield Rejected(str(path), "no such file or folder")


def _walk_sorted(folder: Path) -> Iterator[Path]:
    """Files below `folder` in sorted order, hidden ones skipped, one directory listed at a
    time: memory stays flat on a folder of 100,000 articles."""
    with os.scandir(folder) as it:
        entries = sorted((e.name, e.is_dir()) for e in it if not e.name.startswith("."))
    for name, is_dir in entries:
        if is_dir:
            yield from _walk_sorted(folder / name)
        else:
            yield folder / name


def read_paths(paths: Iterable[Path], fmt: str | None = None, layer: str | None = None,
               schema=None) -> Iterator[ReadResult]:
    """Records from every file under `paths`; a file that cannot be read is one Rejected."""
    for item in expand_paths(paths, fmt):
        if isinstance(item, Rejected):
            yield item
            continue
        path, root, name = item
        if name not in READERS:
            yield Rejected(str(path), f"cannot import {'this file type' if name is None else name}"
                                      f" (use --format; readable: {', '.join(sorted(READERS))})")
            continue
        yield from READERS[name](path, layer=layer, schema=schema, root=root)


@contextmanager
def open_output(out: Path | None, bom: bool = False) -> Iterator[TextIO]:
    """A text stream for an export: the file `out` (written whole or not at all: we write to
    a temporary file beside it and rename), or stdout. Always UTF-8 with LF line ends."""
    if out is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        if bom:
            stream.write("\ufeff")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _register() -> None:
    from . import jsonl, txt

    register("txt", txt.read, [".txt", ".text"])
    register("jsonl", jsonl.read, [".jsonl", ".ndjson"], writer=jsonl.write)
    # Further formats add themselves here through their register_formats(register).
    for module_name in ("conll", "csv_export", "text_export", "labelstudio", "doccano"):
        try:
            module = __import__(f"{__name__}.{module_name}", fromlist=["register_formats"])
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise
            continue
        module.register_formats(register)


_register()
