"""the set-up's progress in the database: which questions with a default value were answered

Revision ID: 0010
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0012"  # merged after 0012 (written against 0008)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("setup_answered", sa.Integer(), server_default="0", nullable=False))
    # Set-up finished: every answer was given. Unfinished: the language was answered when the track question
    # was reached; the study days only when someone changed them (otherwise they are asked again, which costs
    # one tap, rather than silently becoming every day). Bits: 1 language, 2 study days (db/models/learners.py).
    op.execute(
        "UPDATE learners SET setup_answered = CASE"
        " WHEN onboarded_at IS NOT NULL THEN 3"
        " WHEN current_track IS NOT NULL AND study_days <> 127 THEN 3"
        " WHEN current_track IS NOT NULL THEN 1"
        " ELSE 0 END"
    )


def downgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("setup_answered")
