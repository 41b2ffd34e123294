"""The built bundle runs with no Python on PATH (only when RABTA_TEST_DIST=1, after
`make dist`, since building takes minutes)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

BUNDLE = Path(__file__).resolve().parent.parent / "dist" / "rabta" / "rabta"

pytestmark = pytest.mark.skipif(
    os.environ.get("RABTA_TEST_DIST") != "1",
    reason="set RABTA_TEST_DIST=1 after `make dist` to test the bundle",
)


def _run(*args: str) -> subprocess.CompletedProcess:
    clean = {"HOME": os.environ["HOME"], "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [str(BUNDLE), *args], capture_output=True, text=True, timeout=300, env=clean
    )


def test_bundle_version_and_self_test():
    from db.foundations.release import __version__

    assert BUNDLE.exists(), "run `make dist` first"
    assert _run("--version").stdout.strip() == f"Rabta {__version__}"
    result = _run("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["ok"] * 8
    assert "SQLCipher" in lines[0]
    assert "psycopg" in lines[-2] and "libpq" in lines[-2]  # a shared registry's driver
    assert lines[-1] == "Self-test passed."


def test_bundle_leaves_out_qt_modules_it_does_not_use():
    internal = BUNDLE.parent / "_internal"
    names = {p.name for p in internal.rglob("*")}
    for unwanted in (
        "libQt6WebEngineCore.so.6",
        "libQt6Qml.so.6",
        "libQt6Quick.so.6",
        "libQt6Multimedia.so.6",
        "libQt63DCore.so.6",
    ):
        assert unwanted not in names
    for wanted in (
        "libqxcb.so",
        "libqoffscreen.so",
        "libQt6Pdf.so.6",
        "libQt6PrintSupport.so.6",
        "libcupsprintersupport.so",
    ):
        assert wanted in names
    assert (internal / "resources" / "fonts" / "NotoNaskhArabic-Regular.ttf").exists()
    assert (internal / "db" / "migrations" / "versions").is_dir()
