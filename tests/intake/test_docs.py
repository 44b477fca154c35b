"""docs/intake-format.md lists exactly the columns the parser reads (no drift)."""

import re
from pathlib import Path

from jiefen.intake import format as fmt

DOC = Path(__file__).resolve().parents[2] / "docs" / "intake-format.md"


def test_column_table_matches_the_parser() -> None:
    rows = re.findall(r"^\| (\S+) \| `(\w+)` \| [^|]+ \| (是|否) \|", DOC.read_text(), re.M)
    assert [(h, k, r == "是") for h, k, r in rows] == [
        (c.header, c.key, c.required) for c in fmt.COLUMNS
    ]
