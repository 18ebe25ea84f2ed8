"""Input and output: everything that reads or writes a file.

``load`` (the one way to get a layer, the project portfolio included), ``files`` (vector files and the Kosovo
outline), ``store`` (the project store: imports, edits, history, rollback), ``importers`` (project files in
each format, previewed before they are written), ``edit`` (one project corrected), ``tables`` (the portfolio
written as CSV, Excel, GeoJSON, GeoPackage, HXL), ``boundaries`` (an official boundary file installed),
``atomic`` (writes that never leave half a file), ``leftovers`` (temporary files a crash left, removed at the
next start), ``diskfull`` (a failed write as one sentence naming the file) and ``formula_escape`` (no formula in
a written cell).
"""

__all__ = [
    "atomic",
    "boundaries",
    "diskfull",
    "edit",
    "files",
    "formula_escape",
    "importers",
    "leftovers",
    "load",
    "store",
    "tables",
]
