"""Issue 26: every template that inserts a title or a count reads right in both languages.

The templates are read from the catalog (bot/locales/ru/LC_MESSAGES/messages.po), so a new one is checked as soon as
it is extracted. Each is rendered in English and in Russian (through the compiled catalog, as the bot does) with a
masculine, a feminine and a neuter title and with the counts 1, 2, 5 and 21, and then:

- no placeholder is left;
- a Russian plural template takes the form CLDR gives 1, 2, 5 and 21 (one, few, many, one), and every number
  inserted is followed by a noun in a form that number can take (`RU_NOUNS`: «1 тему», «2 темы», «5 тем»,
  «21 тему»; «из 21 темы» too) and preceded or followed by a predicate in a number that agrees («осталась 1 тема»,
  «осталось 5 тем»); English likewise («1 question», «21 questions»);
- in a Russian plural form used for 1 and 21 alike, no «он/она/оно» that the other forms turn into «они»;
- a title follows a noun or stands on its own (after a colon, a bracket, an emoji, at the start): never right
  after a verb or a preposition («Начните <b>…</b>», «Выйти из …»), in either language;
- the words that take a gender («знакомую», «Она», «его»…) agree with the noun that introduces the title (a topic
  is «она», a module «он»), and none follows a title standing on its own («{track}: пройден!»).

A word the tables in tests/words.py do not know fails the test: add it there (or the template to ALLOWED, with why).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.app import LOCALES_DIR
from tests.words import (
    EN_MODIFIERS,
    EN_NOT_NOUNS,
    EN_NOUNS,
    INTRODUCERS,
    RU_ADJECTIVES,
    RU_GENDERED,
    RU_IMPERSONAL,
    RU_INTRODUCER_GENDER,
    RU_NOT_NOUNS,
    RU_NOUNS,
    RU_PREDICATES,
)

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TITLES = {"track", "topic", "module", "title", "titles", "name", "names"}
# Placeholders that hold text, not a number; every other one gets the count.
TEXTS = {"date", "due", "when", "time", "zone", "zones", "link", "path", "text", "command", "status", "kind",
         "value", "icon", "mark", "length", "organiser", "planned", "moved", "day", "city"}  # fmt: skip
SAMPLE_TITLES = {
    "ru": {"m": "Градиентный спуск", "f": "Линейная регрессия", "n": "Обучение с подкреплением"},
    "en": {"m": "Gradient descent", "f": "Linear regression", "n": "Reinforcement learning"},
}
COUNTS = (1, 2, 5, 21)
RU_FORM = {1: 0, 2: 1, 5: 2, 21: 0}  # the plural form index CLDR's rule gives each count

# Templates that need no check here, each with its reason.
ALLOWED: dict[str, str] = {
    "{n} left": "English «left» has one form; the Russian forms are checked («осталась 1», «осталось 2»)",
    "{icon} {name}: {done} of {stages} stage, quiz {accuracy}": "Russian puts the noun first («этапов 1 из 2»), "
    "one form for every count",
    "Quizzes on the module “{module}”: {right} of {n} answer right ({percent}%)": "Russian «верно 1 из 21» "
    "has no counted noun, one form for every count",
    "{correct} of {n} answer right this round.": "Russian «верно 1 из 21» has no counted noun",
}


@dataclass(frozen=True)
class Template:
    msgid: str
    plural: str | None
    russian: tuple[str, ...]

    def source(self, language: str, count: int) -> str:
        """The template the bot uses in `language` for `count`."""
        if language == "en":
            return self.msgid if self.plural is None or count == 1 else self.plural
        if self.plural is None:
            return self.russian[0]
        return str(TRANSLATIONS.ngettext(self.msgid, self.plural, count))

    def forms(self, language: str) -> tuple[str, ...]:
        if language == "en":
            return (self.msgid,) if self.plural is None else (self.msgid, self.plural)
        return self.russian


def _templates() -> list[Template]:
    with open(LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale="ru")
    found = []
    for entry in catalog:
        ids: tuple[str, ...] = tuple(entry.id) if isinstance(entry.id, tuple | list) else (str(entry.id),)
        if ids[0] and PLACEHOLDER.search(ids[0]):
            strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
            found.append(Template(ids[0], ids[1] if len(ids) > 1 else None, tuple(str(s) for s in strings)))
    return found


TRANSLATIONS = Translations.load(str(LOCALES_DIR), ["ru"], "messages")
TEMPLATES = _templates()
CHECKED = [t for t in TEMPLATES if t.msgid not in ALLOWED]


def render(template: str, count: int, title: str) -> str:
    values = {
        name: title if name in TITLES else f"<{name}>" if name in TEXTS else str(count)
        for name in PLACEHOLDER.findall(template)
    }
    return template.format(**values)


def renders(template: Template, language: str) -> Iterator[tuple[int, str, str]]:
    """(count, title, text) for every count and every title gender."""
    for count in COUNTS:
        for title in SAMPLE_TITLES[language].values():
            yield count, title, render(template.source(language, count), count, title)


def _ids(templates: list[Template]) -> list[str]:
    return [t.msgid[:60] for t in templates]


MARK = re.compile(r"⟦(\d+)⟧")
WORD = re.compile(r"\w+|[^\w\s]")


def neighbours(template: str, count: int, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(the word before, the word after) each count inserted in `template` (lowercase; "" for punctuation or
    nothing); the words in `skip` (a count's adjectives) are passed over to reach its noun. A count after «#», «№»
    or in a range («1–21») is a number's name, not a count of things."""
    values = {n: f"⟦{count}⟧" if n not in TITLES | TEXTS else "Title" for n in PLACEHOLDER.findall(template)}
    text = re.sub(r"<[^>]+>", " ", template.format(**values))
    for match in MARK.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if before.endswith(("#", "№", "–", "-")) or after.startswith(("–", "-")):
            continue
        words_before, words_after = WORD.findall(before), WORD.findall(after)
        while words_after and words_after[0].lower() in skip:
            words_after.pop(0)
        previous = words_before[-1].lower() if words_before else ""
        following = words_after[0].lower() if words_after else ""
        yield (previous if previous[:1].isalpha() else ""), (following if following[:1].isalpha() else "")


def test_the_catalog_has_templates_to_check() -> None:
    assert isinstance(TRANSLATIONS, Translations)
    assert len(TEMPLATES) > 150 and len(CHECKED) == len(TEMPLATES) - len(ALLOWED)
    assert set(ALLOWED) <= {t.msgid for t in TEMPLATES}, "an allowed template is gone: drop it from ALLOWED"


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("template", TEMPLATES, ids=_ids(TEMPLATES))
def test_no_placeholder_is_left(template: Template, language: str) -> None:
    for count, title, text in renders(template, language):
        assert not PLACEHOLDER.search(text) and "%(" not in text, (count, title, text)
        if any(name in TITLES for name in PLACEHOLDER.findall(template.msgid)):
            assert title in text


@pytest.mark.parametrize(
    "template", [t for t in TEMPLATES if t.plural], ids=_ids([t for t in TEMPLATES if t.plural])
)
def test_russian_plural_forms_follow_the_count(template: Template) -> None:
    assert len(template.russian) == 3
    for count in COUNTS:
        assert template.source("ru", count) == template.russian[RU_FORM[count]], count
    # The form said for 1 is also said for 21: it must not call 21 things «он» where the others say «они».
    singular_only = {"он", "она", "оно"} & set(WORD.findall(template.russian[0].lower()))
    assert not singular_only - set(WORD.findall(template.russian[2].lower())), template.russian[0]


@pytest.mark.parametrize("template", CHECKED, ids=_ids(CHECKED))
def test_russian_nouns_and_predicates_agree_with_the_count(template: Template) -> None:
    for count in COUNTS:
        form = RU_FORM[count]
        text = template.source("ru", count)
        # The word after the count (an adjective agrees with it too), then the noun past any adjective.
        for before, after in {*neighbours(text, count), *neighbours(text, count, frozenset(RU_ADJECTIVES))}:
            noun = RU_NOUNS.get(after)
            if noun is not None:
                assert form in noun[1], f"«{count} {after}» in {template.source('ru', count)!r}"
            elif after in RU_PREDICATES:
                expected = {"sg", "m", "f", "n"} if form == 0 else {"n", "pl"}
                assert RU_PREDICATES[after] in expected, (
                    f"«{count} {after}» in {template.source('ru', count)!r}"
                )
            else:
                assert not after or after in RU_NOT_NOUNS or not re.match("[а-яё]", after), (
                    f"«{count} {after}»: add «{after}» to RU_NOUNS, RU_PREDICATES or RU_NOT_NOUNS"
                )
            if before in RU_PREDICATES:
                gender = RU_PREDICATES[before]
                if form != 0:
                    assert gender in {"n", "pl"}, f"«{before} {count}» in {template.source('ru', count)!r}"
                else:
                    assert gender in ({noun[0], "sg"} if noun else {"m", "f", "n", "sg"}), (
                        f"«{before} {count} {after}» in {template.source('ru', count)!r}"
                    )


@pytest.mark.parametrize("template", CHECKED, ids=_ids(CHECKED))
def test_english_nouns_agree_with_the_count(template: Template) -> None:
    if template.plural is not None:
        assert template.plural != template.msgid, "a plural template whose two forms are the same"
    plurals = set(EN_NOUNS.values())
    for count in COUNTS:
        for _before, after in neighbours(template.source("en", count), count, frozenset(EN_MODIFIERS)):
            if after in EN_NOUNS and EN_NOUNS[after] != after:
                assert count == 1, f"«{count} {after}» in {template.source('en', count)!r}"
            elif after in plurals and after not in EN_NOUNS:
                assert count != 1, f"«{count} {after}» in {template.source('en', count)!r}"
            else:
                assert not after or after in EN_NOT_NOUNS or after in EN_NOUNS, (
                    f"«{count} {after}»: add «{after}» to EN_NOUNS or EN_NOT_NOUNS"
                )


def introducer(template: str, start: int) -> str | None:
    """The word just before a title at `start` (quotes and tags aside); None when the title stands on its own
    (at the start, after a colon, a bracket, a dash, an emoji…)."""
    before = re.sub(r"(<[^>]+>|[\s«“\"])+$", "", template[:start])
    if not before or not before[-1].isalpha():
        return None
    words: list[str] = re.findall(r"\w+", before)
    return words[-1].lower()


def titles_in(template: str) -> Iterator[tuple[str, str | None]]:
    for match in PLACEHOLDER.finditer(template):
        if match.group(1) in TITLES:
            yield match.group(1), introducer(template, match.start())


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("template", CHECKED, ids=_ids(CHECKED))
def test_a_title_follows_a_noun_not_a_verb(template: Template, language: str) -> None:
    for form in template.forms(language):
        for name, word in titles_in(form):
            assert word is None or word in INTRODUCERS[language], (
                f"{{{name}}} after «{word}» in {form!r}: introduce it with a noun («тему «…»», «the topic “…”»)"
            )


@pytest.mark.parametrize("template", CHECKED, ids=_ids(CHECKED))
def test_russian_genders_agree_with_the_noun_before_the_title(template: Template) -> None:
    for form in template.russian:
        found = list(titles_in(form))
        if not found:
            continue
        genders = {
            gender
            for _name, word in found
            if word is not None
            for stem, gender in RU_INTRODUCER_GENDER.items()
            if word.startswith(stem)
        }
        for title in SAMPLE_TITLES["ru"].values():  # the form is fixed here: the count changes no gender
            text = render(form, 1, title)
            words = WORD.findall(text.replace(title, " ").lower())
            for word in words:
                if word in RU_GENDERED and genders:
                    assert RU_GENDERED[word] & genders, f"«{word}» for a noun of gender {genders}: {text!r}"
            if any(word is None for _name, word in found):
                # A title on its own is no noun to agree with: the word after it may not take its gender.
                after = re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text.split(title, 1)[1]).lower())[:1]
                gendered = set(after) & (set(RU_GENDERED) - RU_IMPERSONAL)
                assert not gendered, f"«{gendered}» after a title on its own: {text!r}"
