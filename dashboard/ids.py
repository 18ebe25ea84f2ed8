"""Every component id, as a constant (one place to find them; the benchmark reads them too)."""

from geodata.io import edit

# Outer layout (app.py)
NAVBAR = "navbar"
URL = "url"
FILTER_QUERY = "filter-query"  # dcc.Store: FilterState.to_query() of the explorer, shared by every page
ERROR_ALERT = "error-alert"
SIGN_IN = "nav-sign-in"  # navbar link to /login (no one signed in)
ACCOUNT = "nav-account"  # navbar: the signed-in account and its Sign out button

# Explorer filters: the Inputs of the main filter callback
SECTOR = "filter-sector"
COMMUNITY = "filter-community"
MUNICIPALITY = "filter-municipality"
STATUS = "filter-status"
FUNDER = "filter-funder"
ORG = "filter-org"
YEARS = "filter-years"
TEXT = "filter-text"
DATASET = "filter-dataset"
METRIC = "filter-metric"
SELECTION = "filter-selection"  # dcc.Store: project ids chosen by box/lasso on the map
NAME_OPTIONS = "filter-name-options"  # dcc.Store: the funder and organisation names of each dataset choice
CLEAR = "filter-clear"
MAP_POINTS_KEY = "map-points-key"  # dcc.Store: which filter the map's project points were drawn for
MAP_POINTS = "explorer-map-points"  # dcc.Store: the project points, when the page draws them (figures.points_layer)
MAP_POINTS_SELECTED = "explorer-map-selected"  # dcc.Store: which of those markers a box/lasso selection holds
MAP_SHADING = "explorer-map-shading"  # dcc.Store: the municipal shading's colours and hover (figures.shading)
MAP_LAYERS = "explorer-map-layers"  # dcc.Store: which of the page's own map layers was last given to the map
MAP_CLICK = "explorer-map-click"  # dcc.Store: the last click on the map, numbered (so a repeat counts)
EXPLORER_DRAWN = "explorer-drawn"  # dcc.Store: digests of what the map and charts hold (only changes are sent)
EXPLORER_QUERY = "explorer-query"  # dcc.Store: the page's URL query, for the other pages' links (filter_query.py)
BASE_MAP = "base-map"
BASE_MAP_STATUS = "base-map-status"  # dcc.Store: what the browser found when it tried OpenStreetMap
BASE_MAP_NOTICE = "base-map-notice"  # the notice shown when OpenStreetMap cannot be reached
MAP_TOOLTIP = "explorer-map-tooltip"  # a project's title, amount and SAMPLE flag on hover
CAMP_KEY = "camp-key"  # the numbered list of camps beside the map
CAMP_KEY_TITLE = "camp-key-title"  # the key's heading (names the list for screen readers)
CAMP_KEY_ITEM = "camp-key-item"  # pattern-matching type: {"type": CAMP_KEY_ITEM, "site": site_id}
CAMPS_ZOOM = "camps-zoom"  # button: zoom the map to the Mitrovica camps
MAP_VIEW_RESET = "map-view-reset"  # button: back to the opening view

# Explorer outputs
MAP = "explorer-map"
SENTENCE = "filter-sentence"
FILTER_NOTES = "filter-notes"  # what the URL asked for that was left out (FilterState.notes)
INTRO = "explorer-intro"  # one line: who the camps were for and why they matter
KPIS = "kpi-row"
SAMPLE_BANNER = "sample-banner"
TRUST_FUND = "trust-fund-card"
CHART_SECTOR = "chart-by-sector"
CHART_MUNICIPALITY = "chart-by-municipality"
CHART_TIME = "chart-over-time"
CHART_COMMUNITY = "chart-by-community"
TABLE = "project-table"
TABLE_REQUEST = "project-table-request"  # dcc.Store: the grid's block request, passed on by assets/table_in_view.js
TABLE_NOTE = "project-table-note"
TABLE_SLOT = "project-table-slot"  # where the grid is created as it nears the view (config.TABLE_LATE)
TABLE_MOUNT = "project-table-mount"  # dcc.Store: true once the grid is wanted (assets/table_in_view.js)
TABLE_CLICK = "project-table-click"  # dcc.Store: the grid's last clicked cell, passed on to the detail panel
DOWNLOAD_BUTTON = "download-csv-button"
DOWNLOAD = "download-csv"
EMPTY_STATE = "empty-state"

# Panels
DETAIL = "detail-panel"
DETAIL_BODY = "detail-panel-body"
DETAIL_TITLE = "detail-panel-title"
# Below the lg breakpoint (phones, small tablets) the explorer's filters live in an off-canvas panel
# (assets/offcanvas.js opens and closes it; on wider screens it is the sidebar)
FILTERS_PANEL = "filters-panel"
FILTERS_TOGGLE = "filters-toggle"
FILTERS_CLOSE = "filters-close"

# Coverage page (path "/coverage")
COVERAGE_STATE = "coverage-state"  # dcc.Store: the page's FilterState as a query string (starts from the URL)
COVERAGE_RADIUS = "coverage-radius"
COVERAGE_ALLOCATION = "coverage-allocation"
COVERAGE_METRIC = "coverage-metric"
COVERAGE_HEATMAP = "coverage-heatmap"
COVERAGE_GAP_MAP = "coverage-gap-map"
COVERAGE_GAP_TOOLTIP = "coverage-gap-tooltip"  # dcc.Tooltip: the hovered project point's title and figures
COVERAGE_SUMMARY = "coverage-summary"
COVERAGE_SENTENCE = "coverage-sentence"
COVERAGE_SAMPLE_BANNER = "coverage-sample-banner"
COVERAGE_RULES = "coverage-rules"
COVERAGE_GAP_TABLE = "coverage-gap-table"
COVERAGE_GAP_SLOT = "coverage-gap-slot"  # where the gap grid is created late (config.TABLE_LATE)
COVERAGE_GAP_MOUNT = "coverage-gap-mount"  # dcc.Store: true once the gap grid is wanted
COVERAGE_GAP_ROWS = "coverage-gap-rows"  # dcc.Store: the gap table's rows, passed on to the grid once it is there
COVERAGE_QUERY = "coverage-query"  # dcc.Store: the page's query (its filters and radius) for the other pages' links
COVERAGE_DOWNLOAD_BUTTON = "coverage-download-button"
COVERAGE_DOWNLOAD = "coverage-download"
COVERAGE_CLEAR = "coverage-clear-cell"
COVERAGE_EXPLORER_LINK = "coverage-explorer-link"

# Data page (path "/data"): every id is prefixed "data-"; dashboard.security.EDITOR_OUTPUTS names
# the ones only an editor's callbacks write to.
DATA_UPLOAD = "data-upload"
DATA_FORMAT = "data-format"
DATA_CURRENCY = "data-currency"  # the currency of amounts when the file names none
DATA_DEFAULT_STATUS = "data-default-status"  # the status of rows that give none (a 3W sheet)
DATA_REPORT = "data-report"
DATA_GRID = "data-preview-grid"
DATA_ACTIONS = "data-actions"
DATA_COMMIT_VALID = "data-commit-valid"
DATA_COMMIT_ALL = "data-commit-all"
DATA_CANCEL = "data-cancel"
DATA_REPLACE_DOCUMENTED = "data-replace-documented"  # the explicit choice to replace documented projects (logged)
DATA_REPORT_BUTTON = "data-report-button"
DATA_REPORT_DOWNLOAD = "data-report-download"
DATA_RESULT = "data-result"
DATA_BUSY = "data-busy"  # what a running preview or commit is doing (set while its job runs)
DATA_HISTORY = "data-history"
DATA_STORE_INFO = "data-store-info"
DATA_ROLLBACK = "data-rollback"  # pattern: {"type": ROLLBACK, "index": import_id}
DATA_FILTER = "data-filter-query"
DATA_EXPORT_FORMAT = "data-export-format"
DATA_EXPORT_BUTTON = "data-export-button"
DATA_EXPORT_DOWNLOAD = "data-export-download"
DATA_EXPORT_SENTENCE = "data-export-sentence"
DATA_EXPORT_EXACT = "data-export-exact"
DATA_EDIT_PROJECT = "data-edit-project"
DATA_EDIT_FORM = "data-edit-form"
DATA_EDIT_SAMPLE_NOTE = "data-edit-sample-note"
DATA_EDIT_CHECK = "data-edit-check"
DATA_EDIT_SAVE = "data-edit-save"
DATA_EDIT_RESULT = "data-edit-result"
DATA_EDIT_TOKEN = "data-edit-token"  # the stored row the form was filled from (edit.row_token)
DATA_EDIT_CURRENCIES = "data-edit-currencies"  # the currency field's suggestions: the codes the ECB quotes
DATA_VERSION = "data-version"  # a token of the store's state, set by every write (data_version)
DATA_SIGN_IN_PROMPT = "data-sign-in-prompt"  # what a viewer sees instead of the editor's controls
#: One input per editable field: "data-edit-title", "data-edit-committed", ...
DATA_EDIT_FIELDS = {name: f"data-edit-{name.replace('_', '-')}" for name in edit.EDITABLE}
