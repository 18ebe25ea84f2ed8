"""The designation footnote every map and every export carries (figures, slides, data files)."""

from __future__ import annotations

DESIGNATION = (
    "This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
    "and the ICJ Opinion on the Kosovo declaration of independence."
)
