"""Is a project file on a network file system? SQLite's locking is not safe on NFS, SMB/CIFS,
sshfs and the like (two writers can corrupt the file), so the CLI and the window say so in one
line. Cheap and best effort: one look at the mount table (Linux), statfs (macOS) or the drive
type (Windows); when the answer is unknown, nothing is said."""
from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

NETWORK_TYPES = {"nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "afs", "ncpfs",
                 "9p", "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "webdav", "glusterfs",
                 "fuse.glusterfs", "ceph", "fuse.rclone", "lustre", "gpfs"}


def _linux_type(folder: Path, mounts: str = "/proc/mounts") -> str | None:
    try:
        lines = Path(mounts).read_text(errors="replace").splitlines()
    except OSError:
        return None
    best, kind = "", None
    target = str(folder)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and \
                len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _macos_type(folder: Path) -> str | None:
    class StatFS(ctypes.Structure):  # struct statfs (64-bit inodes), up to f_fstypename
        _fields_ = [("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32),
                    ("f_blocks", ctypes.c_uint64), ("f_bfree", ctypes.c_uint64),
                    ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
                    ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2),
                    ("f_owner", ctypes.c_uint32), ("f_type", ctypes.c_uint32),
                    ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
                    ("f_fstypename", ctypes.c_char * 16), ("f_mntonname", ctypes.c_char * 1024),
                    ("f_mntfromname", ctypes.c_char * 1024), ("f_reserved", ctypes.c_uint32 * 8)]
    try:
        libc = ctypes.CDLL("libc.dylib", use_errno=True)
        buf = StatFS()
        if libc.statfs64(os.fsencode(folder), ctypes.byref(buf)) != 0:
            return None
        return buf.f_fstypename.decode(errors="replace")
    except (OSError, AttributeError):
        return None


def _windows_type(folder: Path) -> str | None:
    DRIVE_REMOTE = 4
    anchor = Path(folder).anchor
    if anchor.startswith("\\\\"):
        return "smb"  # a UNC path: \\server\share
    try:
        kind = ctypes.windll.kernel32.GetDriveTypeW(anchor)
    except (OSError, AttributeError):
        return None
    return "smb" if kind == DRIVE_REMOTE else "local"


def filesystem_type(path: Path) -> str | None:
    folder = Path(path).resolve().parent
    if sys.platform.startswith("linux"):
        return _linux_type(folder)
    if sys.platform == "darwin":
        return _macos_type(folder)
    if sys.platform.startswith("win"):
        return _windows_type(folder)
    return None


def is_network(kind: str | None) -> bool:
    return kind is not None and (kind.lower() in NETWORK_TYPES or kind.lower().startswith(
        ("nfs", "smb", "cifs")))


def network_warning(project) -> str | None:
    """The one-line warning for an SQLite project on a network file system, else None."""
    if getattr(project, "backend", "sqlite") != "sqlite":
        return None
    kind = filesystem_type(project.path)
    if not is_network(kind):
        return None
    return (f"{project.path} is on a network file system ({kind}): SQLite's locking is not "
            "safe there, so two people writing it can damage it. Work on a local copy "
            "(pack/merge), or share a PostgreSQL project (README: A team on one server).")
