"""Reading a Dash layout in callback tests: find a component by its id in the tree a page builds."""

from __future__ import annotations


def find(component, component_id):
    """The component with ``component_id`` in a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None
