"""How a Telegram user is named to others (an organiser, a cohort's members), and an organiser's language."""

from __future__ import annotations

from aiogram.types import User

from bot.services import profile
from db.models import Learner


def display_name(user: User) -> str:
    return f"{user.full_name} (@{user.username})" if user.username else user.full_name


def organiser_language(user: User, learner: Learner | None, default: str) -> str:
    return learner.language if learner is not None else profile.language_for(user.language_code, default)
