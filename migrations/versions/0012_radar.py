"""the organiser's radar: the option each quiz answer chose, notes to one learner at their reminder time

Revision ID: 0012
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0013"  # merged after 0013, which already adds broadcast_deliveries.not_before
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_reviews") as batch:
        batch.add_column(sa.Column("chosen_option", sa.Integer(), nullable=True))
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), server_default="broadcast", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("quiz_reviews") as batch:
        batch.drop_column("chosen_option")
