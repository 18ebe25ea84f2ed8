"""Every component id, as a constant (one place to find them; the benchmark reads them too)."""

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
CLEAR = "filter-clear"
MAP_POINTS_KEY = "map-points-key"  # dcc.Store: which filter the map's project points were drawn for
MAP_CLICK = "explorer-map-click"  # dcc.Store: the last click on the map, numbered (so a repeat counts)
EXPLORER_DRAWN = "explorer-drawn"  # dcc.Store: digests of what the map and charts hold (only changes are sent)
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
TABLE_NOTE = "project-table-note"
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
COVERAGE_SUMMARY = "coverage-summary"
COVERAGE_SENTENCE = "coverage-sentence"
COVERAGE_SAMPLE_BANNER = "coverage-sample-banner"
COVERAGE_RULES = "coverage-rules"
COVERAGE_GAP_TABLE = "coverage-gap-table"
COVERAGE_DOWNLOAD_BUTTON = "coverage-download-button"
COVERAGE_DOWNLOAD = "coverage-download"
COVERAGE_CLEAR = "coverage-clear-cell"
COVERAGE_EXPLORER_LINK = "coverage-explorer-link"
