"""Build the desktop application for this platform with PyInstaller, then pack it:

    python packaging/build.py            (what `python3 run.py build` runs, inside .venv)

Writes dist/annotator/ (the one-folder application; on macOS dist/Annotator.app) and an archive
next to it: annotator-VERSION-linux-x86_64.tar.gz, annotator-VERSION-windows-AMD64.zip or
annotator-VERSION-macos-arm64.zip. Prints the build time and the sizes. PyInstaller builds for
the platform it runs on only: Windows and macOS builds are made on those systems (see
.github/workflows/desktop-builds.yml).
"""
from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def system_name() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)


def add_linux_desktop_files(app: Path) -> None:
    """The menu entry, the project file type and the script that installs both."""
    share = app / "share"
    share.mkdir(exist_ok=True)
    for name in ("annotator.desktop", "annotator-mime.xml"):
        shutil.copy2(PACKAGING / "linux" / name, share / name)
    shutil.copy2(PACKAGING / "linux" / "install.sh", app / "install.sh")


def pack(app: Path, archive_base: Path) -> Path:
    if sys.platform.startswith("linux"):
        archive = archive_base.with_name(archive_base.name + ".tar.gz")
        # Level 6: 0.4 % bigger than level 9 (tarfile's default) and several times faster.
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(app, arcname=app.name)  # keeps the executable bits and symlinks
        return archive
    return Path(shutil.make_archive(str(archive_base), "zip", app.parent, app.name))


def main() -> int:
    from annotator import __version__

    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", str(PACKAGING / "annotator.spec"),
                    "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(WORK)], check=True, cwd=ROOT)
    built = time.monotonic() - started
    app = DIST / ("Annotator.app" if sys.platform == "darwin" else "annotator")
    if sys.platform.startswith("linux"):
        add_linux_desktop_files(app)
    archive = pack(app, DIST / f"annotator-{__version__}-{system_name()}-{platform.machine()}")
    print(f"built {app.relative_to(ROOT)} in {built:.0f} s: {mib(folder_size(app))}; "
          f"{archive.relative_to(ROOT)}: {mib(archive.stat().st_size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
