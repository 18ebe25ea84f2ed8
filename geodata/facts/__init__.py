"""Facts: what the atlas knows and where each fact comes from, as Python records and specifications.

``layers`` declares every layer (schema, CRS, provenance: ``LayerSpec``); ``site_facts`` holds the sourced
records of the camps, hazards, documented projects and the Trust Fund; ``municipality_registry``,
``name_table`` and ``names`` the 38 municipalities and the place names in Albanian, Serbian and English;
``sources`` the citations; ``designation`` the footnote on Kosovo's status; ``validate`` checks a layer
against its spec; ``sample`` makes the marked sample portfolio; ``build`` writes the embedded layer files
from all of these.
"""

__all__ = [
    "build",
    "designation",
    "layers",
    "municipality_registry",
    "name_table",
    "names",
    "sample",
    "site_facts",
    "sources",
    "validate",
]
