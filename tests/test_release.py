"""One version everywhere: the installed package, the command line, the window and the
Windows installer say the version db/foundations/release.py holds."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from db.foundations.release import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_line_and_the_installer_say_the_release_version():
    shown = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True
    )
    assert shown.stdout.strip() == f"Rabta {__version__}"
    script = (ROOT / "installer" / "windows" / "rabta.iss").read_text(encoding="utf-8")
    assert re.search(r'#define AppVersion "([^"]+)"', script).group(1) == __version__


def test_the_installed_package_carries_the_release_version():
    """pyproject.toml reads the version from db/foundations/release.py without importing main.py,
    whose imports a fresh build environment cannot satisfy."""
    assert version("rabta") == __version__
    assert 'attr = "db.foundations.release.__version__"' in (ROOT / "pyproject.toml").read_text()
