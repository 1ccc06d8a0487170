"""the learner's day: study days, a re-planned start, known topics, the falling-behind offer

Revision ID: 0004
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"  # re-chained after merging main (was "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('not_started', 'in_progress', 'done', 'skipped')"
NEW_STATUSES = "status IN ('not_started', 'in_progress', 'done', 'skipped', 'known')"


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("study_days", sa.Integer(), server_default="127", nullable=False))
        batch.add_column(sa.Column("behind_offer_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint("study_days", "study_days > 0 AND study_days < 128")
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("replanned_at", sa.DateTime(timezone=True), nullable=True))
    for table in ("topic_progress", "progress_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
            batch.create_check_constraint("status", NEW_STATUSES)


def downgrade() -> None:
    for table in ("topic_progress", "progress_events"):
        op.execute(f"DELETE FROM {table} WHERE status = 'known'")
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
            batch.create_check_constraint("status", OLD_STATUSES)
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("replanned_at")
    with op.batch_alter_table("learners") as batch:
        batch.drop_constraint(op.f("ck_learners_study_days"), type_="check")
        batch.drop_column("behind_offer_at")
        batch.drop_column("study_days")
