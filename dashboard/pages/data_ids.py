"""The Data page's component ids (each prefixed "data-"), the correction form's field ids and its choices.

Every id the Data page uses is a constant here; ``dashboard.security.EDITOR_OUTPUTS`` names the ones only an
editor's callbacks write to.
"""

from __future__ import annotations

from geodata.facts.layers import SECTORS, STATUSES
from geodata.facts.municipality_registry import MUNICIPALITIES
from geodata.io import edit

UPLOAD = "data-upload"
FORMAT = "data-format"
REPORT = "data-report"
GRID = "data-preview-grid"
ACTIONS = "data-actions"
COMMIT_VALID = "data-commit-valid"
COMMIT_ALL = "data-commit-all"
CANCEL = "data-cancel"
REPLACE_DOCUMENTED = "data-replace-documented"  # the explicit choice to replace documented projects (logged)
REPORT_BUTTON = "data-report-button"
REPORT_DOWNLOAD = "data-report-download"
RESULT = "data-result"
BUSY = "data-busy"  # what a running preview or commit is doing (set while its job runs)
HISTORY = "data-history"
STORE_INFO = "data-store-info"
ROLLBACK = "data-rollback"  # pattern: {"type": ROLLBACK, "index": import_id}
FILTER = "data-filter-query"
EXPORT_FORMAT = "data-export-format"
EXPORT_BUTTON = "data-export-button"
EXPORT_DOWNLOAD = "data-export-download"
EXPORT_SENTENCE = "data-export-sentence"
EXPORT_EXACT = "data-export-exact"
EDIT_PROJECT = "data-edit-project"
EDIT_FORM = "data-edit-form"
EDIT_SAMPLE_NOTE = "data-edit-sample-note"
EDIT_CHECK = "data-edit-check"
EDIT_SAVE = "data-edit-save"
EDIT_RESULT = "data-edit-result"
EDIT_TOKEN = "data-edit-token"  # the stored row the form was filled from (edit.row_token)
EDIT_CURRENCIES = "data-edit-currencies"  # the currency field's suggestions: the codes the ECB quotes
VERSION = "data-version"  # a token of the store's state, set by every write (data_version)
SIGN_IN_PROMPT = "data-sign-in-prompt"  # what a viewer sees instead of the editor's controls
#: One input per editable field: "data-edit-title", "data-edit-committed", ...
EDIT_FIELDS = {name: f"data-edit-{name.replace('_', '-')}" for name in edit.EDITABLE}
#: Fields chosen from a vocabulary (the rest are typed and parsed like an imported cell).
EDIT_CHOICES = {
    "sector": [{"label": s, "value": s} for s in SECTORS],
    "status": [{"label": s, "value": s} for s in STATUSES],
    "municipality": [
        {"label": " / ".join(dict.fromkeys((m.name_en, m.name_sq, m.name_sr))), "value": m.code}
        for m in sorted(MUNICIPALITIES, key=lambda m: m.name_en)
    ],
}
