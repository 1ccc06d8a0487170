"""Ask the course: the answer to /ask and to plain text, the offer to search, the inline results and the card they
post in another chat, the choice of topics for /quiz, and the notes of a link to a topic."""

from __future__ import annotations

from aiogram.types import InlineQueryResultArticle, InlineQueryResultUnion, InputTextMessageContent
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SEARCH_WORDS_BYTES, MenuCb, QuizCb, SearchCb, TopicCb
from bot.callbacks import Screen as Nav
from bot.curriculum.catalog import TopicRef
from bot.services.search import Answer, Hit
from bot.views.format import STATUS_ICONS, esc, status_name
from bot.views.keyboard import Keyboard
from bot.views.menu import roadmap_or_menu
from bot.views.screen import NO_PREVIEW, Screen
from db.models import Status

BUTTON_TITLE_MAX = 48
QUOTED_MAX = 100  # characters of the learner's words repeated back
INLINE_DESCRIPTION_MAX = 160

TopicKey = tuple[str, str]


def button_words(text: str) -> str:
    """The words of `text` that fit in a search button, cut at a word (a longer first word at a letter)."""
    typed = text.replace(":", " ").split()  # ":" separates callback data's fields
    kept = ""
    for word in typed:
        longer = f"{kept} {word}" if kept else word
        if len(longer.encode()) > SEARCH_WORDS_BYTES:
            break
        kept = longer
    if not kept and typed:
        kept = typed[0].encode()[:SEARCH_WORDS_BYTES].decode(errors="ignore")
    return kept


def offer(text: str, asked: int) -> Screen:
    """«Search the course for …?» after a plain message (`asked`: its id)."""
    kb = Keyboard()
    kb.button(text=_("🔎 Search"), callback_data=SearchCb(words=button_words(text), asked=asked))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(2)
    return Screen(_("Search the course for “{words}”?").format(words=_quoted(text)), kb.as_markup())


def usage() -> Screen:
    return Screen(
        _(
            "Ask the course in your own words, in English or Russian, for example:\n"
            "/ask docker compose\n/ask what should I read about drift\n\n"
            "Any message that is not a command works too: I offer to search for it."
        ),
        roadmap_or_menu(),
    )


def results(words: str, answer: Answer, statuses: dict[TopicKey, Status], locale: str) -> Screen:
    """The best topics for `words`: each with where it is, the sentence that matched and the learner's status."""
    lines = [_("🔎 What the course has on “{words}”:").format(words=_quoted(words))]
    kb = Keyboard()
    for number, hit in enumerate(answer.hits, start=1):
        ref = hit.ref
        status = statuses.get((ref.track.id, ref.topic.id), Status.NOT_STARTED)
        lines += [
            "",
            f"{number}. <b>{esc(ref.topic.title.get(locale))}</b>",
            f"<i>{esc(place(ref, locale))}</i>",
            highlighted(hit),
            f"{STATUS_ICONS[status]} {status_name(status)}",
        ]
        title = _short(ref.topic.title.get(locale), BUTTON_TITLE_MAX)
        kb.button(text=f"{number}. {title}", callback_data=TopicCb(track=ref.track.id, topic=ref.topic.id))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def nothing_found(words: str, suggestions: list[str]) -> Screen:
    lines = [_("Nothing in the course matches “{words}”.").format(words=_quoted(words))]
    kb = Keyboard()
    if suggestions:
        lines.append(
            _("The closest words in the course: {words}. Tap one to search for it.").format(
                words=", ".join(esc(w) for w in suggestions)
            )
        )
        for word in suggestions:
            kb.button(text=f"🔎 {word}", callback_data=SearchCb(words=button_words(word)))
    else:
        lines.append(_("Try other words, or look through the roadmap."))
    kb.button(text=_("🗺 Roadmap"), callback_data=MenuCb(screen=Nav.ROADMAP))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(*([len(suggestions)] if suggestions else []), 2)
    return Screen("\n".join(lines), kb.as_markup())


def highlighted(hit: Hit) -> str:
    """The hit's sentence, escaped, its matching words in bold."""
    parts: list[str] = []
    position = 0
    for start, end in hit.spans:
        parts += [esc(hit.sentence[position:start]), f"<b>{esc(hit.sentence[start:end])}</b>"]
        position = end
    parts.append(esc(hit.sentence[position:]))
    return "".join(parts)


def place(ref: TopicRef, locale: str) -> str:
    """Where a topic is: its track and module."""
    return f"{ref.track.title.get(locale)} · {ref.module.title.get(locale)}"


def quiz_choice(answer: Answer, locale: str) -> Screen:
    """/quiz with words that fit several topics: the best three to choose from."""
    kb = Keyboard()
    for hit in answer.hits:
        ref = hit.ref
        title = _short(ref.topic.title.get(locale), BUTTON_TITLE_MAX)
        kb.button(text=f"🧠 {title}", callback_data=QuizCb(track=ref.track.id, topic=ref.topic.id))
    kb.button(text=_("🏠 Menu"), callback_data=MenuCb(screen=Nav.MENU))
    kb.adjust(1)
    return Screen(_("Several topics fit. Which one do you want to practise?"), kb.as_markup())


def closest_words(suggestions: list[str]) -> str:
    return _("The closest words in the course: {words}.").format(words=", ".join(esc(w) for w in suggestions))


# Inline mode: @bot words, in any chat


def inline_results(answer: Answer, locale: str, links: dict[TopicKey, str]) -> list[InlineQueryResultUnion]:
    """Each hit as an article; choosing one posts the topic's card with a link to study it with the coach."""
    articles: list[InlineQueryResultUnion] = []
    for hit in answer.hits:
        ref = hit.ref
        description = f"{place(ref, locale)}\n{hit.sentence}"
        articles.append(
            InlineQueryResultArticle(
                id=f"{ref.track.id}:{ref.topic.id}",
                title=ref.topic.title.get(locale),
                description=_short(description, INLINE_DESCRIPTION_MAX),
                input_message_content=InputTextMessageContent(
                    message_text=card(ref, locale), parse_mode="HTML", link_preview_options=NO_PREVIEW
                ),
                reply_markup=_study_button(links[(ref.track.id, ref.topic.id)]).as_markup(),
            )
        )
    return articles


def card(ref: TopicRef, locale: str) -> str:
    """The short card an inline result posts: the topic, where it is, why it matters."""
    return "\n".join(
        [
            f"📘 <b>{esc(ref.topic.title.get(locale))}</b>",
            f"<i>{esc(place(ref, locale))}</i>",
            "",
            esc(ref.topic.summary.get(locale)),
        ]
    )


def _study_button(link: str) -> Keyboard:
    kb = Keyboard()
    kb.button(text=_("🎓 Study this with the coach"), url=link)
    return kb


# A link to a topic (/start t-…)


def link_first_setup(ref: TopicRef, locale: str) -> str:
    return _("First a few questions to set up your plan, then I'll open the topic “{topic}” for you.").format(
        topic=esc(ref.topic.title.get(locale))
    )


def link_stale() -> str:
    return _("The topic of that link is no longer in the course. Ask for it in your own words: /ask")


def _quoted(words: str) -> str:
    return esc(_short(words, QUOTED_MAX))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
