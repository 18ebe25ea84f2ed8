"""Accounts: who may change the portfolio, kept in the database when one is configured (``dashboard.accounts``).

Only names, roles, password hashes (Werkzeug, scrypt) and two timestamps; never a password.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="accounts_known_role"),
    )


def downgrade() -> None:
    op.drop_table("accounts")
