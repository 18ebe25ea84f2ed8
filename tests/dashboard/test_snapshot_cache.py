"""Memory stays bounded as the data changes: the explorer keeps snapshots of at most two data versions."""

from __future__ import annotations

from dashboard import data


def test_snapshots_are_kept_for_at_most_two_data_versions():
    data._snapshot_for.cache_clear()
    snaps = [data._snapshot_for(f"test-version-{i}") for i in range(4)]
    assert data._snapshot_for.cache_info().currsize == data.CACHED_VERSIONS == 2
    assert data._snapshot_for("test-version-3") is snaps[3]  # the current version is still served from memory
    assert data._snapshot_for("test-version-0") is not snaps[0]  # the oldest was dropped and is rebuilt
    data._snapshot_for.cache_clear()


def test_static_layers_are_kept_for_at_most_two_versions():
    data._static_layers.cache_clear()
    for i in range(3):
        data._static_layers(f"test-static-{i}")
    assert data._static_layers.cache_info().currsize == 2
    data._static_layers.cache_clear()
