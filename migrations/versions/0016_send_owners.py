"""a claimed send's owner and heartbeat (a live replica takes over a dead one's claims within seconds), and the
minute it was planned for (its lateness)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"  # merged after 0015 (written against 0010)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_sends") as batch:
        batch.add_column(sa.Column("owner", sa.String(32), nullable=True))
        batch.add_column(sa.Column("beat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder_sends") as batch:
        batch.drop_column("planned_at")
        batch.drop_column("beat_at")
        batch.drop_column("owner")
