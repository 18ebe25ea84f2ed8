"""What the Data page's callback tests share: an upload as the browser sends it, the triggering input,
and the text of a component tree (the ``page`` fixture is in conftest.py)."""

from __future__ import annotations

import base64

from dash._callback_context import context_value
from dash._utils import AttributeDict


def upload(text: str) -> str:
    """A CSV as dcc.Upload hands it to the callback (a base64 data URL)."""
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def trigger(prop_id: str) -> None:
    """What Dash sets before calling a callback: which input fired (``ctx.triggered_id``)."""
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": 1}]))


def text(component) -> str:
    """All the text in a component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text(c) for c in component)
    return text(getattr(component, "children", None))
