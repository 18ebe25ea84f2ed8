"""The coverage rules' constants: radius, precision codes, allocation rules and the words that name
each rule next to every total (the rules themselves are described in ``geodata.analysis.coverage``)."""

from __future__ import annotations

DEFAULT_RADIUS_KM = 5.0
HAZARD_RING_KM: tuple[float, ...] = (1.0, 2.0, 5.0)
#: IATI location precision codes whose coordinates locate the work itself.
POINT_PRECISIONS = frozenset({1, 2, 5})

#: Allocation rules: key -> the words printed next to every total.
ALLOCATIONS: dict[str, str] = {
    "shares": "multi-sector projects split by their stated sector shares (equally where no shares are stated)",
    "equal": "multi-sector projects split equally across their sectors",
    "primary": "each project counted whole in its primary sector only",
}
DEFAULT_ALLOCATION = "shares"
LOCATION_RULE = "projects with several locations split equally across them"

#: How far (m) outside its own municipality's polygon a point may lie and still count there, on top
#: of its stated location uncertainty: borders are simplified to ~100 m, an installed official file may
#: differ from the embedded one, and our point placements are approximate.
BOUNDARY_TOLERANCE_M = 2000.0
RULE_MUNICIPALITY_LEVEL = "municipality level: its municipality column"
RULE_POINT_IN_POLYGON = "point in its municipality's polygon"
RULE_SHARED_OWN = "point in a shared polygon: its municipality column decides"
RULE_NEAR_OWN = "point just outside its municipality's polygon (within border tolerance + location uncertainty)"
RULE_POINT_ELSEWHERE = "point in another municipality's polygon: that municipality"
RULE_SHARED_NEAREST = "point in another, shared polygon: the sharing municipality with the nearest seat"
RULE_OUTSIDE = "point outside every polygon and far from its own: the nearest polygon's municipality"

SITE_RULE = "a site counts every point project within the radius, whatever its municipality"

SITE_KINDS = {"camp": "former camp", "return site": "return site", "settlement": "RAE settlement"}
