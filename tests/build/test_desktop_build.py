"""The built desktop application (dist/annotator, made by `python3 run.py build`), run headless:
it builds the demo project, labels one entity through the window's actions and exports JSONL,
and the export is the one the source tree writes for the same steps. Takes a build to exist, so
only `-m build` (what `python3 run.py build` runs) selects these tests."""
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from annotator import SEEDS

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "annotator"
# On Windows annotator.exe is windowed (no output); annotator-cli.exe is the same with a console.
EXECUTABLE = APP / ("annotator-cli.exe" if sys.platform == "win32" else "annotator")
SOURCE = [sys.executable, "-m", "annotator"]
# Differ by nature between two imports: where the seed file was read, and when.
VARYING_META = ("source", "imported_at")


@pytest.fixture(scope="module")
def app():
    if not EXECUTABLE.is_file():
        pytest.fail(f"{EXECUTABLE} is missing: `python3 run.py build` builds it")
    return [str(EXECUTABLE)]


def run(command, home: Path, *args, timeout=300):
    """The command in an environment of its own: settings, data folder, offscreen Qt."""
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), ANNOTATOR_DATA_DIR=str(home / "user-data"),
               QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    result = subprocess.run([*command, *args], env=env, capture_output=True, timeout=timeout,
                            cwd=home)
    assert result.returncode == 0, (args, result.stderr.decode(errors="replace")[-3000:])
    return result.stdout.decode()


def demo_label_export(command, home: Path) -> tuple[dict, bytes]:
    home.mkdir()
    project = run(command, home, "demo", "--no-window").strip().splitlines()[-1]
    assert Path(project).is_file() and Path(project).parent == home / "user-data"
    report = json.loads(run(command, home, "selftest", project, "--as", "smoke",
                            "--text", "يوآف جالانت", "--label", "PER").splitlines()[-1])
    out = home / "export.jsonl"
    run(command, home, "export", project, "--format", "jsonl", "-o", str(out))
    return report, out.read_bytes()


def without_varying_meta(export: bytes, seeds_folder: Path) -> bytes:
    """The export with meta.source and meta.imported_at blanked, after checking them."""
    lines = []
    for line in export.decode("utf-8").splitlines(keepends=True):
        record = json.loads(line)
        source = Path(record["meta"]["source"])
        assert source.parent.resolve() == seeds_folder.resolve(), source
        assert time.strptime(record["meta"]["imported_at"][:19], "%Y-%m-%dT%H:%M:%S")
        for key in VARYING_META:
            blanked = json.dumps(record["meta"][key], ensure_ascii=False)
            assert line.count(blanked) == 1
            line = line.replace(blanked, '""')
        lines.append(line)
    return "".join(lines).encode("utf-8")


def test_the_build_labels_and_exports_as_the_source_tree_does(app, tmp_path):
    started = time.monotonic()
    built_report, built_export = demo_label_export(app, tmp_path / "built")
    smoke_seconds = time.monotonic() - started
    source_report, source_export = demo_label_export(SOURCE, tmp_path / "source")

    # The entity labeled through the window's action, in the build's own export.
    smoke = [json.loads(line) for line in built_export.decode().splitlines()
             if json.loads(line).get("layer") == "smoke"]
    assert len(smoke) == 1 and smoke[0]["id"] == built_report["document"]
    assert smoke[0]["entities"] == [{"start": built_report["span"][0],
                                     "end": built_report["span"][1],
                                     "label": "PER", "text": "يوآف جالانت"}]
    # Byte for byte what the source tree writes, once the seed path and import time are set
    # aside (the build reads the seeds bundled inside it).
    bundled_seeds = APP / "_internal" / "seeds"
    assert without_varying_meta(built_export, bundled_seeds) == without_varying_meta(
        source_export, SEEDS)
    # Resources and seeds inside the build; Qt's Arabic translation loaded in Arabic.
    assert built_report["resources"] == source_report["resources"]
    assert {"schema.toml", "fonts/Amiri-Regular.ttf", "guidelines/ar.md",
            "assist/zone_rules.toml", "assist/gazetteer.tsv"} <= set(built_report["resources"])
    assert built_report["seeds"] == source_report["seeds"] == sorted(
        p.name for p in SEEDS.glob("*.txt"))
    assert built_report["qt_arabic_cancel"] == source_report["qt_arabic_cancel"] != "Cancel"
    # multiprocessing's spawned workers run in the build (freeze_support), not a second app.
    assert built_report["worker_process"] is True
    print(f"\nbuilt app: demo + label + export in {smoke_seconds:.1f} s")


def test_the_build_runs_commands_when_started_as_python_minus_m(app, tmp_path):
    # What code that starts `sys.executable -m annotator …` gets from a build: the command.
    project = tmp_path / "p.db"
    run(app, tmp_path, "-m", "annotator", "init", str(project))
    out = run(app, tmp_path, "-m", "annotator", "stats", str(project), "--json")
    assert json.loads(out)["documents"] == 0
    assert run(app, tmp_path, "--version").strip().endswith("0.1.0")


def test_bad_input_is_one_line_not_a_traceback(app, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database")
    result = subprocess.run([*app, "stats", str(broken)], env=env, capture_output=True,
                            timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr.decode()
    assert "broken.db" in result.stderr.decode()


def test_the_build_leaves_test_only_libraries_out():
    internal = APP / "_internal"
    present = {p.name.split(".")[0].lower() for p in internal.iterdir()}
    assert not present & {"numpy", "pandas", "scipy", "sklearn", "statsmodels", "nltk",
                          "pytest", "_pytest", "pytestqt", "matplotlib", "tkinter"}
    translations = list(internal.rglob("qtbase_ar.qm"))
    assert translations, "Qt's Arabic translations are not in the build"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux archive")
def test_linux_archive_holds_the_app_and_the_desktop_files():
    archives = sorted((ROOT / "dist").glob("annotator-*-linux-*.tar.gz"),
                      key=lambda p: p.stat().st_mtime)
    assert archives
    with tarfile.open(archives[-1]) as tar:
        names = set(tar.getnames())
        executable = tar.getmember("annotator/annotator")
    assert executable.mode & 0o111
    assert {"annotator/install.sh", "annotator/share/annotator.desktop",
            "annotator/share/annotator-mime.xml"} <= names
    desktop = (ROOT / "packaging" / "linux" / "annotator.desktop").read_text()
    assert "MimeType=application/x-annotator-project;" in desktop and "%f" in desktop
