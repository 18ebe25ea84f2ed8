"""The project store: projects, history, the import log and the version row, with a GiST index on the points.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The projects layer's columns at this revision (``layers.PROJECTS.columns``); a later change is a new revision.
PROJECT_COLUMNS = [
    ("project_id", sa.Text()),
    ("title", sa.Text()),
    ("description", sa.Text()),
    ("sector", sa.Text()),
    ("sectors", sa.Text()),
    ("target_communities", sa.Text()),
    ("municipality", sa.Text()),
    ("site_id", sa.Text()),
    ("location_precision", sa.BigInteger()),
    ("location_uncertainty_m", sa.BigInteger()),
    ("location_note", sa.Text()),
    ("implementing_org", sa.Text()),
    ("funder", sa.Text()),
    ("currency", sa.Text()),
    ("committed", sa.Float(53)),
    ("disbursed", sa.Float(53)),
    ("committed_usd", sa.Float(53)),
    ("disbursed_usd", sa.Float(53)),
    ("fx_note", sa.Text()),
    ("start_date", sa.Text()),
    ("end_date", sa.Text()),
    ("status", sa.Text()),
    ("beneficiaries_targeted", sa.BigInteger()),
    ("beneficiaries_reached", sa.BigInteger()),
    ("beneficiaries_by_community", sa.Text()),
    ("households_reached", sa.BigInteger()),
    ("is_sample", sa.Boolean()),
    ("dataset", sa.Text()),
    ("sources", sa.Text()),
    ("source_note", sa.Text()),
]
IMPORT_COLUMNS = [
    ("import_id", sa.BigInteger()),
    ("imported_at", sa.Text()),
    ("file_name", sa.Text()),
    ("sha256", sa.Text()),
    ("size_bytes", sa.BigInteger()),
    ("format", sa.Text()),
    ("rows_added", sa.BigInteger()),
    ("rows_updated", sa.BigInteger()),
    ("rows_unchanged", sa.BigInteger()),
    ("rows_rejected", sa.BigInteger()),
    ("mode", sa.Text()),
    ("user", sa.Text()),
    ("status", sa.Text()),
    ("rolled_back_at", sa.Text()),
    ("rolled_back_by", sa.Text()),
    ("replaced_documented", sa.Text()),
]


def _point() -> Geometry:
    return Geometry("POINT", srid=4326, spatial_index=False)  # the GiST index is created below, by name


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "projects",
        sa.Column("position", sa.Integer(), nullable=False),
        *(sa.Column(name, kind, primary_key=name == "project_id") for name, kind in PROJECT_COLUMNS),
        sa.Column("import_id", sa.BigInteger()),
        sa.Column("geometry", _point()),
    )
    op.create_index("projects_geometry_gist", "projects", ["geometry"], postgresql_using="gist")
    op.create_table(
        "history",
        sa.Column("position", sa.BigInteger(), primary_key=True, autoincrement=False),
        *(sa.Column(name, kind) for name, kind in PROJECT_COLUMNS),
        sa.Column("change_import_id", sa.BigInteger()),
        sa.Column("change", sa.Text()),
        sa.Column("prior_import_id", sa.BigInteger()),
        sa.Column("geometry", _point()),
    )
    op.create_index("history_change_import_id", "history", ["change_import_id"])
    op.create_table(
        "imports",
        *(sa.Column(name, kind, primary_key=name == "import_id", autoincrement=False) for name, kind in IMPORT_COLUMNS),
    )
    meta = op.create_table(
        "store_meta",
        sa.Column("id", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("seeded", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.Text()),
        sa.CheckConstraint("id = 1", name="store_meta_one_row"),
    )
    op.bulk_insert(meta, [{"id": 1, "version": 0, "seeded": False, "changed_at": None}])


def downgrade() -> None:
    for table in ("store_meta", "imports", "history", "projects"):
        op.drop_table(table)
