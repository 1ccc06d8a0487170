"""quiz polls remember their shuffled option order and when their round began

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_order', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('round_started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiz_polls', schema=None) as batch_op:
        batch_op.drop_column('round_started_at')
        batch_op.drop_column('option_order')
