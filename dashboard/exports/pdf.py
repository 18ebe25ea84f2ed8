"""PPTX -> PDF with LibreOffice headless (``soffice --convert-to pdf``).

Each conversion gets its own throw-away LibreOffice profile, so two exports at
once (two users, or the CLI while the app runs) never fight over the profile
lock, and a crash leaves nothing behind. Files are written to disk by
``geodata.io.atomic.write_bytes_atomic`` (never a partial file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from dashboard.exports import ExportError

#: Where to look for LibreOffice when ``soffice`` is not on PATH.
SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
INSTALL_HINT = "install it with: apt-get install -y --no-install-recommends libreoffice-impress"
DEFAULT_TIMEOUT_S = 120.0


def find_soffice() -> str | None:
    """The LibreOffice executable, or None. ``$TFA_SOFFICE`` overrides the search."""
    override = os.environ.get("TFA_SOFFICE")
    if override:
        return override if shutil.which(override) else None
    for name in SOFFICE_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pptx_to_pdf(pptx: bytes, timeout: float = DEFAULT_TIMEOUT_S) -> bytes:
    """Convert a PPTX (bytes) to PDF (bytes). Raises ``ExportError`` with a clear message on failure."""
    soffice = find_soffice()
    if soffice is None:
        raise ExportError(f"PDF export needs LibreOffice, which was not found: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="tfa-pdf-") as tmp:
        work = Path(tmp)
        src = work / "deck.pptx"
        src.write_bytes(pptx)
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(src),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(f"LibreOffice did not finish converting the deck to PDF within {timeout:.0f} s") from None
        out = work / "deck.pdf"
        if done.returncode != 0 or not out.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            why = detail[-1] if detail else f"exit code {done.returncode}"
            raise ExportError(f"LibreOffice could not convert the deck to PDF: {why}")
        return out.read_bytes()
