#!/usr/bin/env python3
"""The two commands of the README, on any platform with Python 3.11+:

    python3 run.py demo     install what is needed, open the window on the demo project
    python3 run.py test     install what is needed, run the whole test suite headless

Everything installs into ./.venv (created on first use, refreshed when pyproject.toml changes),
so nothing is installed by hand and the system Python is left alone. Extra arguments go to the
command: `python3 run.py test -k store`, `python3 run.py gui my.db --as ali`.

    python3 run.py build    build the desktop application into dist/ and test it (minutes)
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed(extras: str, stamp_name: str = "installed.sha256") -> Path:
    if sys.version_info < (3, 11):
        sys.exit("annotator needs Python 3.11 or newer")
    python = venv_python()
    if not python.exists():
        print("creating .venv …", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / stamp_name
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        print(f"installing annotator{extras} into .venv …", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                       check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f".{extras}"],
                       check=True, cwd=ROOT)
        stamp.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "gui", "annotator", "build"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        python = ensure_installed("[test]")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)
    if command == "build":
        return build(rest)
    python = ensure_installed("[test]" if (VENV / "installed.sha256").exists() else "")
    args = rest if command == "annotator" else [command, *rest]
    return subprocess.call([str(python), "-m", "annotator", *args])


def build(pytest_args: list[str]) -> int:
    """Build the desktop application for this platform (packaging/build.py), then run the
    tests of the built application (tests/build, marker `build`) against it."""
    # Its own stamp, so that switching between `test` and `build` does not reinstall each time.
    python = ensure_installed("[test,build]", "installed-build.sha256")
    status = subprocess.call([str(python), str(ROOT / "packaging" / "build.py")], cwd=ROOT)
    if status:
        return status
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return subprocess.call([str(python), "-m", "pytest", "-m", "build", "tests/build",
                            *pytest_args], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
