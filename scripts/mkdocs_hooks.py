"""MkDocs hook (mkdocs.yml `hooks:`): serve the figures of `make train` from reports/figures/ at figures/.

The figures are written by the reports, not by hand, so the site takes them from where they are
instead of keeping a second copy under docs/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

FIGURES = Path(__file__).resolve().parents[1] / "reports" / "figures"


def on_files(files: Files, config: Any) -> Files:
    """Add every reports/figures/*.png to the site as figures/<name>.png."""
    for png in sorted(FIGURES.glob("*.png")):
        files.append(File.generated(config, f"figures/{png.name}", abs_src_path=str(png)))
    return files
