"""How wide a word is at a font size, and table column widths in which no word has to break.

Slides are shown in PowerPoint (Arial), in LibreOffice (Liberation Sans, metric-compatible with Arial, or
DejaVu Sans where Liberation is not installed) and in Keynote. A column that is wide enough for a word in the
widest of these fonts never breaks that word inside ("Committe d"). So a word's width here is the largest of
its widths in the fonts found on this machine (Pillow's ``ImageFont.getlength``), and, when none is found, a
generous estimate of 0.62 em per character (DejaVu Sans Bold averages about 0.6 em).

Pure functions; the only input besides the arguments is the font files, read once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from PIL import ImageFont

#: Font files measured, regular and bold: Arial's metric twin and the wider fallback LibreOffice uses.
FONT_FILES: dict[bool, tuple[str, ...]] = {
    False: ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "Arial.ttf"),
    True: ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "Arial Bold.ttf"),
}
FALLBACK_EM_PER_CHAR = 0.62
#: Measuring at this many pixels per point keeps Pillow's integer rounding small.
_PX_PER_PT = 10
EMU_PER_PT = 12700


@functools.cache
def _fonts(bold: bool) -> tuple[ImageFont.FreeTypeFont, ...]:
    found = []
    for name in FONT_FILES[bold]:
        try:
            found.append(ImageFont.truetype(name, 10 * _PX_PER_PT))
        except OSError:
            continue
    return tuple(found)


def text_width_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``size_pt``, in points: the widest of the fonts a viewer may use."""
    fonts = _fonts(bold)
    if not fonts:
        return len(text) * size_pt * FALLBACK_EM_PER_CHAR
    return max(f.getlength(text) for f in fonts) / (10 * _PX_PER_PT) * size_pt


def words(text: str, *, break_after_slash: bool = False) -> list[str]:
    """The pieces a line may break between: at spaces, and (``break_after_slash``) after a slash or hyphen."""
    pieces = re.split(r"\s+", text.strip())
    if break_after_slash:
        pieces = [p for piece in pieces for p in re.split(r"(?<=[/-])", piece)]
    return [p for p in pieces if p]


def longest_word_pt(
    texts: Sequence[str], size_pt: float, *, bold: bool = False, break_after_slash: bool = False
) -> float:
    """The width in points of the widest word in ``texts``."""
    return max(
        (text_width_pt(w, size_pt, bold=bold) for t in texts for w in words(t, break_after_slash=break_after_slash)),
        default=0.0,
    )


def column_widths(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    total_emu: int,
    size_pt: float,
    *,
    weights: Sequence[float] = (),
    padding_emu: int = 0,
    min_size_pt: float = 8.0,
) -> tuple[tuple[int, ...], float]:
    """(widths in EMU summing to ``total_emu``, font size) for a table whose header words (bold) and body words
    never break inside. Each column is at least as wide as its longest word plus ``padding_emu`` (both cell
    margins); the rest of the width is shared by ``weights``. When the longest words do not fit side by side,
    the font size steps down by half a point (not below ``min_size_pt``)."""
    n = len(columns)
    weights = tuple(weights) or (1.0,) * n
    size = size_pt
    while True:
        need = []
        for j, name in enumerate(columns):
            head = longest_word_pt([name], size, bold=True)
            body = longest_word_pt([r[j] for r in rows], size, break_after_slash=True)
            # 3% and one point of slack: renderers kern and hint differently
            need.append(int((max(head, body) * 1.03 + 1) * EMU_PER_PT) + padding_emu)
        if sum(need) <= total_emu or size - 0.5 < min_size_pt:
            break
        size -= 0.5
    return _share(need, weights, total_emu), size


def _share(minimum: Sequence[int], weights: Sequence[float], total: int) -> tuple[int, ...]:
    """Widths proportional to ``weights``, but never below ``minimum``; they sum to ``total``. When the minimums
    alone exceed ``total`` they are scaled down together."""
    if sum(minimum) >= total:
        scale = total / sum(minimum)
        widths = [int(m * scale) for m in minimum]
    else:
        fixed: dict[int, int] = {}
        while True:
            free = [j for j in range(len(minimum)) if j not in fixed]
            room = total - sum(fixed.values())
            weight = sum(weights[j] for j in free)
            share = {j: room * weights[j] / weight for j in free}
            short = [j for j in free if share[j] < minimum[j]]
            if not short:
                break
            for j in short:
                fixed[j] = minimum[j]
        widths = [fixed[j] if j in fixed else int(share[j]) for j in range(len(minimum))]
    widths[-1] += total - sum(widths)  # rounding
    return tuple(widths)
