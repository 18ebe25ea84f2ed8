"""The briefing's key figures stay inside their cards at a projector's width, with a large portfolio's amounts
("USD 1,494.3m" ran into the next card at 1280 px), and its counts are grouped as everywhere else."""

from __future__ import annotations

import pytest

import geodata
from dashboard import data
from dashboard.app import create_app
from geodata.facts.build import anchors_frame
from geodata.facts.sample import sample_portfolio

pytestmark = pytest.mark.browser

OVERFLOWING = """
return Array.from(document.querySelectorAll('.briefing-kpi')).map(card => {
    const value = card.querySelector('.briefing-kpi-value');
    const box = card.getBoundingClientRect(), text = value.getBoundingClientRect();
    return [value.textContent, value.scrollWidth > value.clientWidth + 1 || text.right > box.right + 1];
}).filter(pair => pair[1]).map(pair => pair[0]);
"""


@pytest.mark.parametrize("width", [1024, 1280])
def test_key_figures_stay_inside_their_cards(dash_duo, tmp_path, monkeypatch, width):
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    municipalities = geodata.load("municipalities")
    large = sample_portfolio(anchors_frame(municipalities), geodata.load("camps"), n=10_000, seed=0)
    try:
        dash_duo.start_server(create_app(large))
        dash_duo.driver.set_window_size(width, 800)
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}/briefing", timeout=30)
        dash_duo.wait_for_element(".briefing-kpi-value", timeout=30)
        values = [e.text for e in dash_duo.driver.find_elements("css selector", ".briefing-kpi-value")]
        assert any(v.startswith("USD") and v.endswith("m") and len(v) >= 12 for v in values), values  # large amounts
        assert dash_duo.driver.execute_script(OVERFLOWING) == []
        assert "10,000 of these 10,000 projects" in dash_duo.find_element(".briefing-sample").text  # grouped
    finally:
        data.use_projects(None)
