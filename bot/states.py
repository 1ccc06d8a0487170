"""The questions a learner may answer by typing; the buttons work in any state."""

from aiogram.fsm.state import State, StatesGroup


class Ask(StatesGroup):
    language = State()
    track = State()
    hours = State()
    days = State()
    time = State()
    zone = State()
