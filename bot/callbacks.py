"""Every inline button's callback data, in one place. Prefixes are short: Telegram allows 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Flow(StrEnum):
    """Where a profile question was asked: in onboarding it leads to the next one, in settings back there."""

    ONBOARDING = "o"
    SETTINGS = "s"


class Screen(StrEnum):
    MENU = "menu"
    TODAY = "today"
    NEXT = "next"
    ROADMAP = "roadmap"
    PROGRESS = "progress"
    SETTINGS = "settings"
    HELP = "help"
    TRACKS = "tracks"


class MenuCb(CallbackData, prefix="m"):
    screen: Screen


class LanguageCb(CallbackData, prefix="lg"):
    code: str
    flow: Flow


class ChooseTrackCb(CallbackData, prefix="ct"):
    track: str
    flow: Flow


class HoursCb(CallbackData, prefix="hr"):
    hours: int
    flow: Flow


class TimeCb(CallbackData, prefix="tm"):
    minute: int
    flow: Flow


class CapCb(CallbackData, prefix="cap"):
    """How many quiz reviews a day at most."""

    cap: int


class ZoneCb(CallbackData, prefix="tz"):
    zone: str
    flow: Flow


class AskCb(CallbackData, prefix="ask"):
    """A settings item: open its question."""

    item: (
        str  # language | track | hours | days | time | zone | cap | pause | resume | break | nudge | daysoff
    )


class DaysCb(CallbackData, prefix="dy"):
    """Study days: toggle a weekday (0 Monday … 6 Sunday), or `DAYS_DONE` to go on."""

    day: int
    flow: Flow


DAYS_DONE = 7


class TrackCb(CallbackData, prefix="rt"):
    """A track's overview with its modules."""

    track: str
    page: int = 0


class UnfollowCb(CallbackData, prefix="uf"):
    """Stop following a track (not the current one); its progress stays."""

    track: str


class ModuleCb(CallbackData, prefix="rm"):
    track: str
    module: str
    page: int = 0


class TopicCb(CallbackData, prefix="rp"):
    track: str
    topic: str


class MarkCb(CallbackData, prefix="mk"):
    track: str
    topic: str
    part: str
    status: str  # a db.models.Status value


class PassesCb(CallbackData, prefix="ps"):
    """A pass marked done together with the passes before it that were not (the learner confirmed it)."""

    track: str
    topic: str
    part: str


class NextCb(CallbackData, prefix="nx"):
    """«Next step» on a topic card: the next unfinished topic after this one."""

    track: str
    topic: str


class KnownCb(CallbackData, prefix="kn"):
    """«I already know this» for a topic or (topic empty) a whole module: ask, confirm, or check first."""

    track: str
    module: str
    topic: str = ""
    action: str = "ask"  # ask | yes | check


class CatchUpCb(CallbackData, prefix="cu"):
    """The ways on for a learner behind their plan."""

    action: str  # move | hours | keep
    hours: int = 0


class BreakCb(CallbackData, prefix="bk"):
    """/pause: how long the break lasts (days; 0 is until the learner is back)."""

    days: int


class PageCb(CallbackData, prefix="pg"):
    """A track's reference page (salaries, roles, the method)."""

    track: str
    page: str


class ReminderCb(CallbackData, prefix="rem"):
    """A reminder's buttons: snooze an hour, nothing more today, pause reminders."""

    action: str  # snooze | tomorrow | pause


class QuizCb(CallbackData, prefix="qz"):
    """Start a quiz: due reviews (empty topic) or practise one topic now."""

    track: str = ""
    topic: str = ""


class SearchCb(CallbackData, prefix="sq"):
    """Search the course: the offer made after a plain message (`asked`: that message's id, under which its whole
    text is kept), or a suggested word. The first words ride in the button too (at most `SEARCH_WORDS_BYTES`), so
    an offer whose text is no longer kept still searches what it can."""

    words: str
    asked: int = 0


SEARCH_WORDS_BYTES = 64 - len("sq::") - 12  # a message id has at most 12 digits here


class BroadcastCb(CallbackData, prefix="bc"):
    action: str  # send | cancel


class ForgetCb(CallbackData, prefix="fg"):
    action: str  # confirm | cancel


class CohortCb(CallbackData, prefix="co"):
    """The organiser's cohort screens: list, dashboard and its actions (checked against the organiser)."""

    action: str  # list | open | link | dates | date | table | csv | msg | send | close | reopen
    cohort: int = 0
    arg: str = ""  # a stage id for `date`


class CohortNewCb(CallbackData, prefix="cn"):
    """A step of the new-cohort dialog."""

    step: str  # track | start | zone | hours | less | more | create | cancel
    value: str = ""


class CohortLeaveCb(CallbackData, prefix="cl"):
    """A learner leaving their cohort (settings)."""

    cohort: int
    confirm: bool = False


class CohortHoursCb(CallbackData, prefix="ch"):
    """After joining: keep the learner's weekly hours, or take the hours the cohort's calendar needs."""

    cohort: int
    take: bool = False


class StepCb(CallbackData, prefix="sp"):
    """Tick (or untick) one step of a topic: a resource or its practice task (`bot.curriculum.models.Step`)."""

    track: str
    topic: str
    step: str


class StudiedCb(CallbackData, prefix="sd"):
    """«I studied …» on a topic: minutes to credit, `ASK_MINUTES` for the choice, `TYPE_MINUTES` to type them."""

    track: str
    topic: str
    minutes: int = 0


ASK_MINUTES = 0
TYPE_MINUTES = -1


class RadarCb(CallbackData, prefix="rd"):
    """The organiser's radar: questions to check, an organiser's topic card, who is slipping, a note to one of
    them, the survival picture. `cohort` 0 is the whole bot (admins only); any other is checked against the
    organiser."""

    view: str  # q questions | t topic card | s slipping | n note | k survival picture | b back to /stats
    cohort: int = 0
    track: str = ""
    topic: str = ""
    learner: int = 0
    page: int = 0


class GroupCb(CallbackData, prefix="gr"):
    """The organiser's screen of a cohort's group chat (checked against the organiser)."""

    action: str  # open | day | time | deadlines | digest | unlink
    cohort: int
    arg: str = ""  # a weekday for `day`; "weekday-hour" or "off" for `time`


class BoardCb(CallbackData, prefix="bd"):
    """A member showing or hiding their first name on their cohort's group board (settings)."""

    cohort: int
    show: bool
