"""The questions a learner may answer by typing; the buttons work in any state."""

from aiogram.fsm.state import State, StatesGroup


class Ask(StatesGroup):
    language = State()
    track = State()
    hours = State()
    days = State()
    time = State()
    zone = State()


class CohortAsk(StatesGroup):
    """What an organiser types while setting up or running a cohort."""

    name = State()
    zone = State()
    start = State()
    due = State()
    message = State()


class StudyAsk(StatesGroup):
    """Minutes studied, typed («40», «1.5 h», «полчаса»), for the topic kept in the dialog's data."""

    minutes = State()


class RadarAsk(StatesGroup):
    """What an organiser types on the radar: a note to a slipping learner."""

    note = State()
