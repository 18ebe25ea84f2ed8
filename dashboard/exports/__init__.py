"""The export service: every file the app writes for people to download or keep.

Nothing here imports Dash (a test checks it). ``service`` has one entry per kind of file (explorer CSV,
coverage gap CSV, portfolio, briefing) and is what the pages and ``cli`` (``python -m dashboard export``) call.
For the briefing: ``content`` gathers what a briefing shows for one ``FilterState``; ``images`` renders Plotly
figures to PNG/SVG (kaleido); ``deck`` builds a PPTX from a ``DeckInput`` (python-pptx); ``pdf`` converts that
deck with LibreOffice; ``briefing`` ties them together. The tables and the one CSV writer are in
``geodata.io.tables``; files reach the disk through ``geodata.io.atomic``.
"""

from __future__ import annotations


class ExportError(RuntimeError):
    """An export could not be made; the message says why and what to do."""
