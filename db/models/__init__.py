"""What the bot stores, one module per area; importing the package registers every table on `Base.metadata`."""

from db.models.cohorts import Cohort, CohortMember, CohortSend, CohortStage, CohortStatus, LateWeeks
from db.models.columns import UtcDateTime
from db.models.groups import BattleAnswer, BattlePoll, CohortGroup, GroupBattle, GroupNote, GroupPost
from db.models.learners import EVERY_DAY, SETUP_LANGUAGE, SETUP_STUDY_DAYS, Enrollment, Learner, LearnerBreak
from db.models.progress import (
    STATUS_CHECK,
    STUDY_KIND_CHECK,
    ProgressEvent,
    Status,
    StudyEntry,
    StudyKind,
    TopicProgress,
)
from db.models.quiz import QuizCard, QuizPoll, QuizReview
from db.models.sends import Broadcast, BroadcastDelivery, ReminderSend, SendKind, SendStatus

__all__ = [
    "EVERY_DAY",
    "SETUP_LANGUAGE",
    "SETUP_STUDY_DAYS",
    "STATUS_CHECK",
    "STUDY_KIND_CHECK",
    "BattleAnswer",
    "BattlePoll",
    "Broadcast",
    "BroadcastDelivery",
    "Cohort",
    "CohortGroup",
    "CohortMember",
    "CohortSend",
    "CohortStage",
    "CohortStatus",
    "Enrollment",
    "GroupBattle",
    "GroupNote",
    "GroupPost",
    "LateWeeks",
    "Learner",
    "LearnerBreak",
    "ProgressEvent",
    "QuizCard",
    "QuizPoll",
    "QuizReview",
    "ReminderSend",
    "SendKind",
    "SendStatus",
    "Status",
    "StudyEntry",
    "StudyKind",
    "TopicProgress",
    "UtcDateTime",
]
