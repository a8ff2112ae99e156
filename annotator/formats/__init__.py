"""Exchange formats, one module each. Readers turn files into ImportRecords (or Rejected lines);
writers stream a project's documents and layers out.

`READERS` maps a format name to a reader; `EXTENSIONS` maps a file ending to a format name, so the
CLI can pick the format from `--format` or from the file. Format modules register themselves
in `_register()` below.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO, Union

from ..core.errors import InputError
from ..core.records import ImportRecord
from ..core.text import decode_bytes


@dataclass
class Rejected:
    """A file or a line that cannot be imported: `where` is `path` or `path:line`.
    `internal` marks a failure of the tool itself (a bug), not of the input."""
    where: str
    message: str
    internal: bool = False


def shown(path: Path | str) -> str:
    """A path as it can be printed: bytes of a file name that are not UTF-8 (kept by Python
    as lone surrogates, which no terminal or database takes) shown as \\xNN escapes."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


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
    # Filled by the writer: the stored layers left out as damaged (see iter_annotated), and
    # how many documents it wrote with at least one layer.
    damaged: list[dict] = field(default_factory=list)
    documents: int = 0

    def annotated(self, project) -> Iterator:
        """The documents and layers to write (project.iter_annotated with these options),
        counted as they go."""
        for doc, layers in project.iter_annotated(self.layer, status=self.status,
                                                  damaged=self.damaged):
            if layers:
                self.documents += 1
            yield doc, layers


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
    are often .txt). Pipes, devices and sockets (reading a FIFO would wait forever), symlink
    loops and file names that are not UTF-8 are each one Rejected line."""
    for path in paths:
        kind = _kind(path)
        if kind == "dir":
            for item in _walk_sorted(path, set()):
                if isinstance(item, Rejected):
                    yield item
                    continue
                name = fmt or format_for(item)
                if name in READERS:
                    yield _checked_name(item, path, name)
        elif kind == "file":
            yield _checked_name(path, None, fmt or format_for(path))
        elif kind == "missing":
            yield Rejected(shown(path), "no such file or folder")
        else:
            yield Rejected(shown(path), kind)


def _kind(path: Path) -> str:
    """"file", "dir", "missing", or the reason the path is skipped."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing" if not os.path.islink(path) else "broken symbolic link: skipped"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop: skipped"
        return f"cannot read: {exc.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return "not a regular file (a pipe, device or socket): skipped"


def _entry_kind(entry: os.DirEntry) -> str | None:
    """"file" or "dir" from the folder listing itself (no stat call per file on a folder of
    100,000 articles); None for a symbolic link or anything else, which _kind examines."""
    try:
        if entry.is_symlink():
            return None
        if entry.is_file(follow_symlinks=False):
            return "file"
        if entry.is_dir(follow_symlinks=False):
            return "dir"
    except OSError:
        pass
    return None


def _checked_name(path: Path, root: Path | None, name: str | None):
    if shown(path) != str(path):
        return Rejected(shown(path), "file name is not valid UTF-8 (shown escaped): skipped; "
                                     "rename the file")
    return path, root, name


def _walk_sorted(folder: Path, seen: set) -> Iterator[Path | Rejected]:
    """Files below `folder` in sorted order, hidden ones skipped, one directory listed at a
    time: memory stays flat on a folder of 100,000 articles. A folder reached twice (a
    symlink loop) is listed once; anything but a regular file is a Rejected."""
    try:
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:
            yield Rejected(shown(folder), "symbolic link loop (folder already read): skipped")
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted((e.name, _entry_kind(e)) for e in it if not e.name.startswith("."))
    except OSError as exc:
        yield Rejected(shown(folder), f"cannot read folder: {exc.strerror}")
        return
    for name, kind in entries:
        path = folder / name
        kind = kind or _kind(path)
        if kind == "dir":
            yield from _walk_sorted(path, seen)
        elif kind == "file":
            yield path
        elif kind != "missing":
            yield Rejected(shown(path), kind)


def read_paths(paths: Iterable[Path], fmt: str | None = None, layer: str | None = None,
               schema=None) -> Iterator[ReadResult]:
    """Records from every file under `paths`; a file that cannot be read is one Rejected, and
    so is one a reader fails on unexpectedly (the batch goes on)."""
    for item in expand_paths(paths, fmt):
        if isinstance(item, Rejected):
            yield item
            continue
        path, root, name = item
        if name not in READERS:
            yield Rejected(str(path), f"cannot import {'this file type' if name is None else name}"
                                      f" (use --format; readable: {', '.join(sorted(READERS))})")
            continue
        try:
            yield from READERS[name](path, layer=layer, schema=schema, root=root)
        except RecursionError:
            yield Rejected(str(path), "nested too deeply: skipped")
        except MemoryError:
            yield Rejected(str(path), "too large to read: skipped")
        except Exception as exc:  # a bug in a reader must not end the batch
            yield Rejected(str(path), f"internal error while reading ({type(exc).__name__}: "
                                      f"{exc}); the rest of this file is skipped", internal=True)


SQLITE_HEADER = b"SQLite format 3\x00"


def check_output(out: Path) -> None:
    """Refuse (InputError, nothing written) an export target that would destroy something: a
    project or any SQLite file, a folder, a device or pipe (writing "through" /dev/full would
    replace it with a regular file), a symlink to any of these."""
    try:
        st = os.stat(out)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{out}: is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{out}: is not a regular file (a device, pipe or socket); "
                         "refused, nothing written")
    try:
        with open(out, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError:
        head = b""
    if head == SQLITE_HEADER:
        raise InputError(f"{out}: is a project (SQLite) file; refused to write an export over "
                         "it, nothing written")


@contextmanager
def open_output(out: Path | None, bom: bool = False) -> Iterator[TextIO]:
    """A text stream for an export: the file `out` (written whole or not at all: we write to
    a temporary file beside it and rename), or stdout. Always UTF-8 with LF line ends.
    A target that must not be overwritten (see check_output) or cannot be written raises
    InputError with one line."""
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
    check_output(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fh = open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="\n")
        except OSError as exc:
            raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
        with fh:
            yield fh
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
        check_output(out)  # it may have appeared while we wrote
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from None
    except OSError as exc:  # a write() in the caller's loop: disk full, quota, I/O error
        raise InputError(f"{out}: cannot write: {exc.strerror or exc}; nothing written") from None
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
