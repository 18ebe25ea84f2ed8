"""PPTX -> PDF through LibreOffice: one page per slide, clear errors, atomic writes."""

from __future__ import annotations

import io
import os
import stat

import pytest
from pypdf import PdfReader

from dashboard.exports import ExportError, pdf
from dashboard.exports import deck as D
from geodata.io.atomic import write_bytes_atomic

needs_soffice = pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice (soffice) is not installed")


@needs_soffice
def test_pdf_has_one_landscape_page_per_slide(deck_factory):
    d = deck_factory(charts=2)
    data = pdf.pptx_to_pdf(D.deck_bytes(d))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(D.slide_titles(d)) == 7
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)
    text = reader.pages[0].extract_text()
    assert "Briefing: test" in text and "designation is without prejudice" in text


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TFA_SOFFICE", "no-such-soffice-binary")
    with pytest.raises(ExportError, match="needs LibreOffice.*apt-get install"):
        pdf.pptx_to_pdf(b"not used")


@needs_soffice
def test_unconvertible_input_is_a_clear_error():
    with pytest.raises(ExportError, match="LibreOffice could not convert"):
        pdf.pptx_to_pdf(b"this is not a presentation")


def test_write_atomic_replaces_whole_file_and_leaves_no_partial(tmp_path):
    """Exports reach the disk through the one atomic writer, as ordinary files (0666 less the umask)."""
    target = tmp_path / "out" / "deck.pdf"
    write_bytes_atomic(target, b"first", mode=0o666)
    write_bytes_atomic(target, b"second", mode=0o666)
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["deck.pdf"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_write_atomic_leaves_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "deck.pdf"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        write_bytes_atomic(target, b"new", mode=0o666)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]
