"""the study ledger: every piece of study one row; reviews on days off as a setting

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "study_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("track_id", sa.String(length=32), nullable=False),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=32), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('step', 'minutes', 'done', 'review', 'known')", name=op.f("ck_study_log_kind")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_study_log_learner_id_learners"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_log")),
    )
    with op.batch_alter_table("study_log") as batch:
        batch.create_index("ix_study_log_learner_at", ["learner_id", "at"], unique=False)
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("reviews_on_days_off", sa.Boolean(), server_default=sa.false(), nullable=False))
    # What was studied before the ledger: each part marked done or known, at the time of its status. A done row
    # carries no minutes: the ledger credits it the part's content hours, within the old day's guard.
    op.execute(
        "INSERT INTO study_log (learner_id, track_id, topic_id, step, kind, minutes, at) "
        "SELECT learner_id, track_id, topic_id, part, status, NULL, updated_at FROM topic_progress "
        "WHERE status IN ('done', 'known')"
    )
    op.execute(
        "INSERT INTO study_log (learner_id, track_id, topic_id, step, kind, minutes, at) "
        "SELECT learner_id, track_id, topic_id, '', 'review', 1.0, reviewed_at FROM quiz_reviews"
    )


def downgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("reviews_on_days_off")
    with op.batch_alter_table("study_log") as batch:
        batch.drop_index("ix_study_log_learner_at")
    op.drop_table("study_log")
