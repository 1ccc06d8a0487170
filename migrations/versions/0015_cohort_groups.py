"""the cohort's group chat: the linked group, the weekly quiz battle and its answers, posts and private notes;
members' first names and whether they are on the board

Revision ID: 0015
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0010"  # merged after 0010 (written against 0013)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cohort_groups",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=128), nullable=True),
        sa.Column("link_code", sa.String(length=32), nullable=True),
        sa.Column("link_code_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("battle_weekday", sa.Integer(), nullable=True),
        sa.Column("battle_minute", sa.Integer(), nullable=True),
        sa.Column("post_deadlines", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("post_digest", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "battle_minute IS NULL OR (battle_minute >= 0 AND battle_minute < 1440)",
            name=op.f("ck_cohort_groups_minute"),
        ),
        sa.CheckConstraint(
            "battle_weekday IS NULL OR (battle_weekday >= 0 AND battle_weekday < 7)",
            name=op.f("ck_cohort_groups_weekday"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_cohort_groups_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_cohort_groups")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_cohort_groups_chat_id")),
        sa.UniqueConstraint("link_code", name=op.f("uq_cohort_groups_link_code")),
    )
    op.create_table(
        "group_battles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("battle_on", sa.Date(), nullable=False),
        sa.Column("questions", sa.String(length=1024), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_group_battles_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_battles")),
        sa.UniqueConstraint("cohort_id", "battle_on", name="uq_group_battles_once_a_day"),
    )
    with op.batch_alter_table("group_battles") as batch_op:
        batch_op.create_index(batch_op.f("ix_group_battles_next_at"), ["next_at"], unique=False)

    op.create_table(
        "group_notes",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_group_notes_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cohort_id", "learner_id", "kind", name=op.f("pk_group_notes")),
    )
    op.create_table(
        "group_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_group_posts_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_posts")),
        sa.UniqueConstraint("cohort_id", "kind", "key", name="uq_group_posts_once"),
    )
    with op.batch_alter_table("group_posts") as batch_op:
        batch_op.create_index("ix_group_posts_status", ["status"], unique=False)

    op.create_table(
        "battle_polls",
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("battle_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.String(length=32), nullable=False),
        sa.Column("topic_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=32), nullable=False),
        sa.Column("correct_option", sa.Integer(), nullable=False),
        sa.Column("option_order", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["group_battles.id"],
            name=op.f("fk_battle_polls_battle_id_group_battles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_battle_polls")),
    )
    with op.batch_alter_table("battle_polls") as batch_op:
        batch_op.create_index(batch_op.f("ix_battle_polls_battle_id"), ["battle_id"], unique=False)

    op.create_table(
        "battle_answers",
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("battle_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["group_battles.id"],
            name=op.f("fk_battle_answers_battle_id_group_battles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["battle_polls.poll_id"],
            name=op.f("fk_battle_answers_poll_id_battle_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", "learner_id", name=op.f("pk_battle_answers")),
    )
    with op.batch_alter_table("battle_answers") as batch_op:
        batch_op.create_index(batch_op.f("ix_battle_answers_battle_id"), ["battle_id"], unique=False)
        batch_op.create_index("ix_battle_answers_learner_at", ["learner_id", "answered_at"], unique=False)

    with op.batch_alter_table("cohort_members") as batch_op:
        batch_op.add_column(sa.Column("first_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("on_board", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("cohort_members") as batch_op:
        batch_op.drop_column("on_board")
        batch_op.drop_column("first_name")

    with op.batch_alter_table("battle_answers") as batch_op:
        batch_op.drop_index("ix_battle_answers_learner_at")
        batch_op.drop_index(batch_op.f("ix_battle_answers_battle_id"))

    op.drop_table("battle_answers")
    with op.batch_alter_table("battle_polls") as batch_op:
        batch_op.drop_index(batch_op.f("ix_battle_polls_battle_id"))

    op.drop_table("battle_polls")
    with op.batch_alter_table("group_posts") as batch_op:
        batch_op.drop_index("ix_group_posts_status")

    op.drop_table("group_posts")
    op.drop_table("group_notes")
    with op.batch_alter_table("group_battles") as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_battles_next_at"))

    op.drop_table("group_battles")
    op.drop_table("cohort_groups")
