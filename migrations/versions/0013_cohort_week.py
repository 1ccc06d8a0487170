"""cohorts in the learner's week: sends held over quiet hours, late joiners' weeks, reports in the sender's language

Revision ID: 0013
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0009"  # re-chained at merge (was "0008")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cohorts") as batch:
        batch.add_column(
            sa.Column("late_weeks", sa.String(length=16), server_default="catch_up", nullable=False)
        )
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_broadcasts_cohort_id_cohorts"), "cohorts", ["cohort_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("cohort_sends") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cohort_sends") as batch:
        batch.drop_column("not_before")
    with op.batch_alter_table("broadcast_deliveries") as batch:
        batch.drop_column("not_before")
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_constraint(batch.f("fk_broadcasts_cohort_id_cohorts"), type_="foreignkey")
        batch.drop_column("cohort_id")
        batch.drop_column("language")
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_column("late_weeks")
