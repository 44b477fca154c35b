"""The law package imports no Django and uses no float or date.today()."""

import re
import subprocess
import sys
from pathlib import Path

import jiefen.law

LAW_DIR = Path(jiefen.law.__file__).resolve().parent


def test_importing_the_law_package_loads_no_django() -> None:
    code = (
        "import sys, jiefen.law, jiefen.law.cli\n"
        "jiefen.law.load_parameters()\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_sources_have_no_django_float_or_today() -> None:
    for path in LAW_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+django", text, re.M), path
        assert "date.today(" not in text and "datetime.now(" not in text, path
        assert not re.search(r"\bfloat\(", text), path
