"""What the bot says in a cohort's group, in the organiser's language: the welcome, the note to a stranger's
group, the battle's questions and results with the board, a deadline and the Monday digest; and the private notes
a battle answer brings (a topic not studied yet, the invitation). Times are the cohort's, with its zone named.
Nothing here names anyone as behind: the board names members who earned points, by first name."""

from __future__ import annotations

from datetime import datetime, time

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_time, get_day_names

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services.cohort_board import Dashboard, Standing
from bot.services.cohort_progress import StageDate
from bot.services.group_battle import Results
from bot.services.group_board import Board
from bot.views.cohort_dates import reader_locale, stage_title, weeks_label, when, zone_city
from bot.views.format import esc
from db.models import Cohort, CohortGroup

POLL_QUESTION_MAX = 300
MEDALS = ("🥇", "🥈", "🥉")


def battle_when(group: CohortGroup, cohort: Cohort) -> str | None:
    """«Sunday, 7:00 PM Moscow time», «воскресенье, 19:00 (часовой пояс: Москва)»; None when the battle is off."""
    if group.battle_weekday is None or group.battle_minute is None:
        return None
    locale = reader_locale()
    day = get_day_names("wide", locale=locale)[group.battle_weekday]
    at = format_time(
        time(group.battle_minute // 60, group.battle_minute % 60),
        "HH:mm" if locale == "ru" else "h:mm a",
        locale=locale,
    )
    return _("{when} {city} time").format(when=f"{day}, {at}", city=zone_city(cohort.timezone))


def welcome(cohort: Cohort, catalog: Catalog, group: CohortGroup, join_link: str | None) -> str:
    track = catalog.track(cohort.track_id)
    lines = [
        _("👋 Hello! I'm the study coach of the cohort <b>{name}</b> ({track}).").format(
            name=esc(cohort.name), track=esc(track.title.get(reader_locale())) if track else cohort.track_id
        ),
        "",
        _(
            "Here I'll post a weekly quiz battle on the topics of this week and the last, and when the organiser "
            "switches them on, the deadlines and a Monday digest. A battle answer counts as a review in your own "
            "cards when you have studied its topic."
        ),
        _(
            "The board rewards study, not speed: points for study days, reviews and right answers. It shows first "
            "names only; any member can hide from it in /settings in a private chat with me."
        ),
        _("In this group I read only commands and replies to me."),
    ]
    when_text = battle_when(group, cohort)
    if when_text:
        lines.append(_("⚔️ Quiz battle: {when}.").format(when=when_text))
    if join_link:
        lines += ["", _("Not in the cohort yet? Join here: {link}").format(link=join_link)]
    return "\n".join(lines)


def stranger_note() -> str:
    return _(
        "Hello! I'm a study coach. I join a group only when a course organiser adds me with their cohort's link, "
        "so I'm leaving this one. To study with me, open a private chat with me."
    )


def link_refused(taken: Cohort | None) -> str:
    if taken is not None:
        return _("This group is already the group of the cohort <b>{name}</b>.").format(name=esc(taken.name))
    return _(
        "This link is used up or out of date. Open the cohort's group screen in a private chat with me for a new "
        "one."
    )


def group_start(cohort: Cohort) -> str:
    """`/start` in a linked group without a link's code."""
    return _("This is the group of the cohort <b>{name}</b>. To study, open a private chat with me.").format(
        name=esc(cohort.name)
    )


def removed_notice(cohort: Cohort, title: str | None) -> str:
    """To the organiser, privately."""
    if title is None:
        return _(
            "I'm no longer in the group of the cohort <b>{name}</b>, so it has no group now. To link one again, "
            "open the cohort's group screen in /cohort."
        ).format(name=esc(cohort.name))
    return _(
        "I'm no longer in the group «{title}», so the cohort <b>{name}</b> has no group now. To link one again, "
        "open the cohort's group screen in /cohort."
    ).format(title=esc(title), name=esc(cohort.name))


def moved_notice(cohort: Cohort) -> str:
    return _("The group of the cohort <b>{name}</b> became a supergroup; it stays linked.").format(
        name=esc(cohort.name)
    )


# The battle


def battle_question(number: int, total: int, question: str) -> str:
    """The poll's question with its place in the battle, when that still fits Telegram's 300 characters."""
    numbered = _("⚔️ {number}/{total}. {question}").format(number=number, total=total, question=question)
    return numbered if len(numbered) <= POLL_QUESTION_MAX else question


def results(cohort: Cohort, found: Results) -> str:
    lines = [_("⚔️ <b>{name}: the quiz battle is over.</b>").format(name=esc(cohort.name))]
    if not found.answered:
        lines.append(_("No one answered this time."))
    else:
        lines.append(
            _("Answered: {n}; of them members of the cohort: {answered} of {members}.").format(
                n=found.answered, answered=found.members_answered, members=found.members
            )
        )
    hardest = found.hardest
    if hardest is not None:
        locale = reader_locale()
        question = hardest.item.question
        lines += [
            "",
            _("<b>The hardest question</b> (right answers: {right} of {n}):").format(
                right=hardest.right, n=hardest.answered
            ),
            esc(question.question.get(locale)),
            _("Answer: {answer}").format(answer=esc(question.options(locale)[question.correct])),
            esc(question.explanation.get(locale)),
        ]
    lines += ["", *board_lines(found.board)]
    if found.strangers:
        lines += ["", _("Answered without being in the cohort? I've sent you its invitation privately.")]
    return "\n".join(lines)


def board_lines(board: Board) -> list[str]:
    lines = [_("🏆 <b>The board of the week</b> (study days, reviews, right answers):")]
    shown = board.shown
    if not shown:
        lines.append(_("No points yet this week: the first study day brings ten."))
    for place, row in enumerate(shown):
        mark = MEDALS[place] if place < len(MEDALS) else f"{place + 1}."
        lines.append(
            ngettext("{mark} {name}: {points} point", "{mark} {name}: {points} points", row.points).format(
                mark=mark, name=esc(row.name), points=row.points
            )
            + " "
            + _("(study days: {days}, reviews: {reviews}, right answers: {right})").format(
                days=row.study_days, reviews=row.reviews, right=row.right_answers
            )
        )
    if board.more:
        lines.append(_("…and {n} more.").format(n=board.more))
    return lines


# Deadlines and the digest


def due_post(cohort: Cohort, stage: StageDate, finished: int, members: int) -> str:
    """«DMIA spring: Week 3 (Stage) is due Sun, March 22, 11:59 PM Moscow time.» and how many finished it."""
    return "\n".join(
        [
            _("⏰ {name}: {weeks} ({title}) is due {when}.").format(
                name=esc(cohort.name),
                weeks=weeks_label(stage),
                title=stage_title(stage),
                when=when(stage.due_at, cohort.timezone, named=True),
            ),
            ngettext(
                "{done} of {n} member has finished it.", "{done} of {n} members have finished it.", members
            ).format(done=finished, n=members),
        ]
    )


def digest_post(board: Dashboard, week_board: Board, now: datetime) -> str:
    """The Monday post: where the cohort stands, in numbers only, and last week's board."""
    cohort = board.cohort
    members = len(board.members)
    lines = [_("📰 <b>{name}: the week's digest</b>").format(name=esc(cohort.name))]
    if 1 <= board.week <= cohort.weeks:
        lines.append(_("Week {week} of {weeks}.").format(week=board.week, weeks=cohort.weeks))
    lines.append(
        ngettext("{n} member", "{n} members", members).format(n=members)
        + ": "
        + _("on track: {on}, behind: {behind}, not active this week: {inactive}.").format(
            on=board.count(Standing.ON_TRACK),
            behind=board.count(Standing.BEHIND),
            inactive=board.count(Standing.INACTIVE),
        )
    )
    done = [s for s in board.stages if s.due_at <= now]
    for stage in done[-2:]:
        finished = sum(1 for m in board.members if m.stage_percent.get(stage.stage.id) == 100)
        lines.append(
            _("{weeks}: {done} of {n} finished.").format(weeks=weeks_label(stage), done=finished, n=members)
        )
    upcoming = [s for s in board.stages if s.due_at > now]
    if upcoming:
        stage = upcoming[0]
        lines.append(
            _("Next deadline: {weeks} ({title}), {when}.").format(
                weeks=weeks_label(stage),
                title=stage_title(stage),
                when=when(stage.due_at, cohort.timezone, named=True),
            )
        )
    if board.accuracy is not None:
        lines.append(_("Quiz accuracy: {percent}%.").format(percent=board.accuracy))
    lines += ["", *board_lines(week_board)]
    return "\n".join(lines)


# Private notes from a battle answer


def unstudied_note(cohort: Cohort, ref: TopicRef | None) -> str:
    topic = esc(ref.topic.title.get(reader_locale())) if ref is not None else "?"
    return _(
        "⚔️ Your battle answer on the topic «{topic}» doesn't count in your reviews: you haven't studied it yet. "
        "Answers on topics you have finished count as reviews in your own cards (the cohort {name}). I say this "
        "once."
    ).format(topic=topic, name=esc(cohort.name))


def invitation(cohort: Cohort, link: str) -> str:
    return _(
        "⚔️ You answered the quiz battle of the cohort <b>{name}</b>. Join it, and your answers count as reviews "
        "in your own cards and on its board: {link}"
    ).format(name=esc(cohort.name), link=link)
