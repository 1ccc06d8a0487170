"""breaks and streaks: vacations, the streak-at-risk nudge, streak freezes, a plan moved by breaks

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"  # re-chained after merging main (was "0004"): … → 0005 → 0007 → 0008
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("next_nudge_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("streak_nudge", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("freezes_used", sa.Integer(), server_default="0", nullable=False))
        batch.create_index(batch.f("ix_learners_next_nudge_at"), ["next_nudge_at"], unique=False)
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("break_days", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "learner_breaks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_learner_breaks_learner_id_learners"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_breaks")),
    )
    op.create_index(op.f("ix_learner_breaks_learner_id"), "learner_breaks", ["learner_id"], unique=False)
    op.create_index(op.f("ix_learner_breaks_until"), "learner_breaks", ["until"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_learner_breaks_until"), table_name="learner_breaks")
    op.drop_index(op.f("ix_learner_breaks_learner_id"), table_name="learner_breaks")
    op.drop_table("learner_breaks")
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("break_days")
    with op.batch_alter_table("learners") as batch:
        batch.drop_index(batch.f("ix_learners_next_nudge_at"))
        batch.drop_column("freezes_used")
        batch.drop_column("streak_nudge")
        batch.drop_column("next_nudge_at")
