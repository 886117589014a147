"""Build the CJK font shipped in ``xieshang/fonts/`` (run by hand, not at run time).

The package draws Chinese labels with a subset of Noto Sans CJK SC (SIL Open
Font License 1.1), so that ``lang="zh"`` figures render on a machine with no
CJK system font. The subset keeps every character of GB 2312 (the 6,763 common
simplified hanzi and its symbols), CJK and full-width punctuation, ASCII, and
every non-ASCII character that appears in the package's own source, which is
where all labels and explanation templates live. ``tests/plots/test_fonts.py`` checks
that the last point still holds: after adding a rare character to a label, run
this script again.

Usage::

    python scripts/subset_cjk_font.py SOURCE.otf

``SOURCE.otf`` is ``NotoSansCJKsc-Regular.otf`` (for instance from the PyPI
package ``mplfonts`` or Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "xieshang" / "fonts" / "XieshangCJK-Regular.otf"
FAMILY = "Xieshang CJK"


def gb2312() -> set[str]:
    """Every character of the GB 2312 character set."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    return chars


def package_chars() -> set[str]:
    """Every non-ASCII character in the package's Python source."""
    chars = set()
    for path in (ROOT / "xieshang").rglob("*.py"):
        chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 127)
    return chars


def ranges(*spans: tuple[int, int]) -> set[str]:
    return {chr(c) for lo, hi in spans for c in range(lo, hi + 1)}


def main(source: str) -> None:
    text = gb2312() | package_chars() | ranges(
        (0x20, 0x7E),      # ASCII
        (0xA0, 0xFF),      # Latin-1 punctuation and signs
        (0x2010, 0x206F),  # general punctuation: dashes, quotes, ellipsis
        (0x2190, 0x21FF),  # arrows
        (0x2212, 0x2212),  # minus sign
        (0x3000, 0x303F),  # CJK punctuation
        (0xFF00, 0xFFEF),  # full-width forms
    )
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in text])
    sub.subset(font)
    # Rename: a subset must not pass itself off as the full font on systems
    # that also have Noto Sans CJK SC installed.
    names = font["name"]
    for rec in names.names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = f"{FAMILY} Regular"
        elif rec.nameID in (3, 6):
            rec.string = "XieshangCJK-Regular"
    for key in ("DSIG",):
        if key in font:
            del font[key]
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["XieshangCJK-Regular"]
        top = cff.topDictIndex[0]
        top.FamilyName = FAMILY
        top.FullName = f"{FAMILY} Regular"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    kept = sum(1 for c in text if ord(c) in font.getBestCmap())
    print(f"{OUT.relative_to(ROOT)}: {kept} characters, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
