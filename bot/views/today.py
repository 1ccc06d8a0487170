"""/today, and the lines every screen shares about the plan: the finish date, the pace, today's reviews.

Each figure has one line here, written from the personal plan (`bot.services.plan`) or the review count of the
day (`bot.services.quiz_day.review_day`), so /today, /progress, the reminder and the weekly summary say the same.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import CatchUpCb, MenuCb, QuizCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.services.catch_up import CatchUp
from bot.services.plan import PersonalPlan
from bot.services.quiz_day import ReviewDay
from bot.services.today import Today
from bot.views.cohort_member import calendar_lines
from bot.views.format import duration, esc, hours, long_date, minutes_text, short_date, weekday_names
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.steps import studied_button


def days_text(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def weeks_text(n: int) -> str:
    """Only after «about» (Russian puts it in the genitive: «около 4 недель»)."""
    return ngettext("{n} week", "{n} weeks", n).format(n=n)


def studied_line(plan: PersonalPlan) -> str:
    """The hours the ledger counts on the track against the plan's: every screen that states them says this."""
    minutes = plan.hours_counted * 60
    return _("Hours studied: {done} of {total} in your plan").format(
        done=duration(minutes) if minutes >= 1 else hours(0), total=hours(plan.hours_total)
    )


def finish_line(plan: PersonalPlan, locale: str) -> str:
    return _("🏁 Planned finish: {date}").format(date=long_date(plan.planned_finish, locale))


def pace_line(plan: PersonalPlan) -> str:
    if plan.days_ahead > 0:
        return _("Pace: 🚀 {days} ahead of your plan").format(days=days_text(plan.days_ahead))
    if plan.days_ahead < 0:
        return _("Pace: 🐢 {days} behind your plan").format(days=days_text(-plan.days_ahead))
    return _("Pace: ✅ on your plan")


def pace_lines(plan: PersonalPlan) -> list[str]:
    """The pace against the learner's own plan; none in a cohort, where the cohort's calendar says where they stand
    (`cohort_member.standing_line`, on the same screens) and a personal plan's «behind» would contradict it."""
    return [] if plan.in_cohort else [pace_line(plan)]


def at_pace_line(plan: PersonalPlan, locale: str) -> str:
    if plan.finish_at_pace is None and plan.too_early_for_pace:
        return _("At your own pace: too early to tell (after your first week).")
    if plan.finish_at_pace is None:
        return _("At your pace of the last weeks: no finish date, nothing was studied in them.")
    return _("At your pace of the last weeks: finish on {date}").format(
        date=long_date(plan.finish_at_pace, locale)
    )


def hours_line(plan: PersonalPlan, locale: str) -> str:
    minutes = minutes_text(round(plan.schedule.day_hours * 60))
    if len(plan.schedule.weekdays) == 7:
        # Not «6 h a week on every day»: with no day off every day is a study day.
        return _("{hours} a week, every day: {minutes} a day").format(
            hours=hours(plan.weekly_hours), minutes=minutes
        )
    return _("{hours} a week on {days}: {minutes} a study day").format(
        hours=hours(plan.weekly_hours), days=weekday_names(plan.schedule.weekdays, locale), minutes=minutes
    )


def plan_length(plan: PersonalPlan, locale: str) -> str:
    """«about 12 weeks at your 6 h a week, until 3 June 2026»."""
    return _("about {weeks} at {hours} a week, until {date}").format(
        weeks=weeks_text(plan.weeks_total),
        hours=hours(plan.weekly_hours),
        date=long_date(plan.planned_finish, locale),
    )


def reviews_line(day: ReviewDay, locale: str) -> str | None:
    """The day's reviews as one number: «🧠 Reviews: 5 today, 23 waiting»; None when there is nothing to say."""
    if day.due_today and day.waiting:
        return _("🧠 Reviews: {today} today, {waiting} waiting").format(
            today=day.due_today, waiting=day.waiting
        )
    if day.due_today:
        return _("🧠 Reviews: {n} today").format(n=day.due_today)
    if day.waiting:
        return cap_line(day, locale)
    return None


def cap_line(day: ReviewDay, locale: str) -> str:
    """The cap is reached: how many are left and when they come."""
    when = short_date(day.next_on, locale) if day.next_on else "—"
    return ngettext(
        "🧠 Today's reviews are done (daily limit: {cap}); {n} more waits, from {date}.",
        "🧠 Today's reviews are done (daily limit: {cap}); {n} more wait, from {date}.",
        day.waiting,
    ).format(cap=day.cap, n=day.waiting, date=when)


def catch_up_lines(offer: CatchUp, plan: PersonalPlan, locale: str) -> list[str]:
    return [
        "",
        _("You are {days} behind your plan. No guilt: life happens. Three ways on, pick one:").format(
            days=days_text(-plan.days_ahead)
        ),
        _("📅 Move the finish date: the rest re-planned from today, finish on {date}.").format(
            date=long_date(offer.move_finish, locale)
        ),
        _("⏱ {hours} a week from now on: finish on {date}.").format(
            hours=hours(offer.more_hours), date=long_date(offer.more_hours_finish, locale)
        ),
        (
            _("▶️ Keep going as you are: at your pace, finish on {date}.").format(
                date=long_date(offer.keep_going, locale)
            )
            if offer.keep_going
            else _("▶️ Keep going as you are.")
        ),
    ]


def catch_up_buttons(kb: Keyboard, offer: CatchUp) -> int:
    kb.button(text=_("📅 Move the finish date"), callback_data=CatchUpCb(action="move"))
    kb.button(
        text=_("⏱ {hours} a week").format(hours=hours(offer.more_hours)),
        callback_data=CatchUpCb(action="hours", hours=offer.more_hours),
    )
    kb.button(text=_("▶️ Keep going"), callback_data=CatchUpCb(action="keep"))
    return 3


def topic_lines(day: Today, locale: str) -> list[str]:
    """The topic to resume today, how far along, and what comes next if time remains."""
    lines: list[str] = []
    topic = day.topic
    if topic is None:
        return [_("🎉 You have finished your track. Reviews keep it fresh.")]
    title = esc(topic.ref.topic.title.get(locale))
    module = esc(topic.ref.module.title.get(locale))
    if topic.started:
        lines.append(
            _("▶️ Go on with the topic <b>{topic}</b> ({module}): {done} of {total} done.").format(
                topic=title,
                module=module,
                done=duration(topic.hours_done * 60),
                total=duration((topic.hours_done + topic.hours_left) * 60),
            )
        )
    else:
        lines.append(
            _("▶️ Start the topic <b>{topic}</b> ({module}), about {total}.").format(
                topic=title, module=module, total=duration(topic.hours_left * 60)
            )
        )
    if day.study_day and day.minutes_for_topic:
        lines.append(_("Today: about {minutes} of it.").format(minutes=minutes_text(day.minutes_for_topic)))
    elif day.study_day and day.minutes_done_today:
        lines.append(_("Today's minutes are studied. Anything more is a bonus."))
    if day.then is not None:
        lines.append(
            _("⏭ Then, if time remains: {topic}").format(topic=esc(day.then.topic.title.get(locale)))
        )
    return lines


def today_screen(day: Today, locale: str) -> Screen:
    plan = day.plan
    lines: list[str] = []
    if plan is not None:
        date_text = short_date(plan.today, locale)
        if day.study_day:
            lines.append(
                _("📅 <b>Today, {date}</b>: {minutes} by your plan").format(
                    date=date_text, minutes=minutes_text(day.minutes_today)
                )
            )
        else:
            lines.append(
                _("📅 <b>Today, {date}</b>: a day off in your plan. Reviews only, if you like.").format(
                    date=date_text
                )
            )
    if day.minutes_done_today and day.study_day:
        lines.append(
            _("✅ Studied today: {done} of {minutes}.").format(
                done=duration(day.minutes_done_today), minutes=minutes_text(day.minutes_today)
            )
        )
    if day.studied_today and day.study_day and not day.minutes_for_topic:
        lines.append(_("✅ You have already studied today. Anything more is a bonus."))
    if day.cohort is not None:
        lines += ["", *calendar_lines(day.cohort, day.zone)]
    lines.append("")
    lines.extend(topic_lines(day, locale))
    reviews = reviews_line(day.reviews, locale)
    if reviews:
        lines.append("")
        if day.reviews.due_today:
            reviews += " " + _("(about {minutes})").format(minutes=minutes_text(day.reviews.minutes))
        lines.append(reviews)
    if plan is not None and not plan.finished:
        lines += ["", studied_line(plan), finish_line(plan, locale), *pace_lines(plan)]
    kb = Keyboard()
    widths: list[int] = []
    if day.topic is not None:
        kb.button(
            text=_("▶️ Continue: {topic}").format(topic=day.topic.ref.topic.title.get(locale))[:60],
            callback_data=TopicCb(track=day.topic.ref.track.id, topic=day.topic.ref.topic.id),
        )
        studied_button(kb, day.topic.ref)
        widths += [1, 1]
    if day.reviews.due_today:
        kb.button(text=_("🧠 Review ({n})").format(n=day.reviews.due_today), callback_data=QuizCb())
        widths.append(1)
    kb.button(text=_("📊 Progress"), callback_data=MenuCb(screen=Nav.PROGRESS))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    widths.append(2)
    kb.adjust(*widths)
    return Screen("\n".join(lines), kb.as_markup())
