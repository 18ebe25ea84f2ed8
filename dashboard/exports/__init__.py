"""Briefing exports: images (kaleido), slides (python-pptx) and PDF (LibreOffice).

Nothing here imports Dash. ``content`` gathers what a briefing shows for one
``FilterState``; ``images`` renders Plotly figures to PNG/SVG; ``deck`` builds a
PPTX from a ``DeckInput``; ``pdf`` converts that deck with LibreOffice.
``dashboard.export`` ties them together for the CLI and the briefing page.
"""

from __future__ import annotations


class ExportError(RuntimeError):
    """An export could not be made; the message says why and what to do."""
