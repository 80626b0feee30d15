"""Name order for lists the office posts: by surname strokes (姓氏笔画) or by pinyin.

Strokes: names compare character by character on the total stroke count of each character
(Unicode Unihan ``kTotalStrokes``, the mainland count), ties by code point (which orders
CJK characters by radical), so all 王 stand together before 方 (both 4 strokes). That is the
common 姓氏笔画 order; GB/T 13418's further tie-break by first-stroke shape is not applied.
The counts ship in ``strokes.txt`` (CJK Unified Ideographs and Extension A, about 28,000
characters), written by `build` from the Unihan database (Debian: package ``unicode-data``,
``/usr/share/unicode/Unihan_IRGSources.txt.bz2``). ICU's stroke collation would do the same
but has no wheels for Windows, where the office works.

Pinyin: `pypinyin` (reading by context, so a polyphonic given name reads as in a word).
"""

from __future__ import annotations

import bz2
import re
import sys
from functools import cache
from importlib import resources
from pathlib import Path

from pypinyin import lazy_pinyin

UNKNOWN = 99  # characters without a count (Latin letters, rare ideographs) sort last
_DATA = "strokes.txt"
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))  # Extension A, Unified Ideographs
_LINE = re.compile(r"^U\+([0-9A-F]+)\tkTotalStrokes\t(\d+)")


@cache
def strokes() -> dict[str, int]:
    """Character → total strokes (mainland count)."""
    text = (resources.files("kgrota.io") / _DATA).read_text(encoding="utf-8")
    out: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            count, _, chars = line.partition(":")
            out.update(dict.fromkeys(chars, int(count)))
    return out


def stroke_key(name: str) -> tuple[tuple[int, int], ...]:
    """Sort key of a name in 姓氏笔画 order."""
    counts = strokes()
    return tuple((counts.get(c, UNKNOWN), ord(c)) for c in name.strip())


def pinyin_key(name: str) -> tuple[tuple[str, ...], str]:
    """Sort key of a name in pinyin order (the characters break ties between homophones)."""
    return tuple(lazy_pinyin(name.strip())), name


def build(unihan: Path, target: Path) -> int:
    """Write the stroke table from Unihan_IRGSources.txt(.bz2); return the character count."""
    opener = bz2.open if unihan.suffix == ".bz2" else open
    by_count: dict[int, list[str]] = {}
    version = "Unicode version unknown"
    with opener(unihan, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("# Unicode version"):
                version = line.strip("# \n")
            match = _LINE.match(line)
            if match is None:
                continue
            point = int(match[1], 16)
            if any(low <= point <= high for low, high in _RANGES):
                by_count.setdefault(int(match[2]), []).append(chr(point))
    head = f"# Unihan kTotalStrokes (mainland count), {version}: strokes:characters\n"
    body = "".join(f"{n}:{''.join(chars)}\n" for n, chars in sorted(by_count.items()))
    target.write_text(head + body, encoding="utf-8")
    return sum(len(chars) for chars in by_count.values())


if __name__ == "__main__":  # python -m kgrota.io.collate UNIHAN_IRGSOURCES [OUT]
    source = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).with_name(_DATA)
    print(f"{out}: {build(source, out)} characters")
