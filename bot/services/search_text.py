"""Words for the course search: splitting text into words, stemming them in their language, the lossy spelling
key that lets «докер» find docker and «mlflou» find MLflow, and the sentences a result is quoted from.

The course is bilingual and so are the questions: a Russian sentence about Docker holds Latin words, and a learner
may type an English term in Cyrillic letters. So every word is stemmed by its script (Cyrillic by the Russian
Snowball stemmer, Latin by the English one), and a word the index does not know is compared, by its spelling key,
with the words it does know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import Stemmer

from bot.curriculum.models import LOCALES, Topic
from bot.services.bm25 import STOPWORDS_EN, STOPWORDS_RUSSIAN

WORD = re.compile(r"[aAаА]/[bBбБ](?![0-9a-zA-Zа-яА-ЯёЁ])|[0-9a-zA-Zа-яА-ЯёЁ]+")  # A/B (testing) is one word
CYRILLIC = re.compile(r"[а-яё]")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")

STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(STOPWORDS_RUSSIAN)
# Words people wrap a question in («где тут про…», "what should I read about…"): dropped from a query, unless
# nothing else is left of it.
_ASKING = """
    what which where how why should would could can do does did i me my we you your want need needs tell show
    find explain explains read reading learn learning study studying about anything something some any topic topics
    course lesson lessons material materials there here please is are good best get know covered cover covers
    explained talk talks really very
    где тут про как что какой какая какие каком почитать прочитать читать узнать изучить изучать изучается хочу
    хотел хотела нужно надо расскажи расскажите покажи покажите найди найти тема темы тему теме теми курс курсе
    курса есть ли мне научиться учить выучить материал материалы материалов посоветуй посоветуйте можно там
    почему зачем об о подскажи подскажите рассказывают рассказывается объясняют объясняется очень вообще
    пожалуйста спасибо
"""
ASKING = frozenset(_ASKING.split())

# Cyrillic → Latin, by sound, for the spelling key (a sound-alike key, not a transliteration to show anyone).
_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "i", "ь": "",
        "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip
# Spellings that sound alike, in order: «флоу» ~ flow, «докер» ~ docker, «питон» ~ python, «джанго» ~ django.
_SOUNDS = (
    ("ou", "ov"),
    ("ck", "k"),
    ("ph", "f"),
    ("qu", "kv"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("q", "k"),
)
_SILENT_H = re.compile(r"(?<=[^aeiou])h")
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLED = re.compile(r"(.)\1+")


class Stems:
    """Snowball stems by script."""

    def __init__(self, cache: int = 1000) -> None:
        # The index keeps every word of the course with its stem; the stemmers' own caches (10,000 words by
        # default, ~2 MB) need hold only what questions bring.
        self._russian = Stemmer.Stemmer("russian", cache)
        self._english = Stemmer.Stemmer("english", cache)

    def stem(self, word: str) -> str:
        """`word` in lower case."""
        if CYRILLIC.search(word):
            return str(self._russian.stemWord(word))
        if word.isalpha():
            return str(self._english.stemWord(word))
        return word  # k8s, c4, f1: kept as they are


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` in lower case («ё» as «е»), with where it stands."""
    for match in WORD.finditer(text):
        yield fold(match.group()), match.start(), match.end()


def fold(word: str) -> str:
    word = word.lower().replace("ё", "е")
    return "ab" if word in ("a/b", "а/б") else word


def spelling_key(word: str) -> str:
    """A lossy key under which words that sound alike meet, whatever the script: «докер» and docker are both
    «doker», «млфлоу» and mlflow «mlflov»."""
    word = word.replace("дж", "j").translate(_TO_LATIN)
    word = _SOFT_C.sub("s", word)
    for spelled, sound in _SOUNDS:
        word = word.replace(spelled, sound)
    word = _SILENT_H.sub("", word.replace("c", "k"))
    return _DOUBLED.sub(r"\1", word)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def asked_words(query: str) -> list[str]:
    """The words of a query worth looking up: no stop words, and no «где тут про» unless nothing else is left."""
    typed = [word for word, _start, _end in words(query) if word not in STOPWORDS]
    return [w for w in typed if w not in ASKING] or typed


def clip(sentence: str, spans: list[tuple[int, int]], limit: int) -> tuple[str, list[tuple[int, int]]]:
    """At most `limit` characters of `sentence` around its first highlighted word, cut at spaces with «…»."""
    if len(sentence) <= limit:
        return sentence, spans
    first = spans[0][0] if spans else 0
    start = max(0, min(first - limit // 3, len(sentence) - limit))
    if start:
        space = sentence.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + limit
    if end < len(sentence):
        space = sentence.rfind(" ", start, end)
        end = space if space > first else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(sentence) else ""
    shift = len(prefix) - start
    kept = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return prefix + sentence[start:end] + suffix, kept


# The texts of a topic the search reads


def title_texts(topic: Topic) -> list[str]:
    return [topic.title.get(locale) for locale in LOCALES]


def body_texts(topic: Topic) -> list[str]:
    """What a topic's body field is made of, in both languages."""
    return [text for locale in LOCALES for text in _body(topic, locale)]


def quotable(topic: Topic, locale: str) -> Iterator[str]:
    """The sentences a hit may quote, the summary's first (split when quoted: three hits a question, not 142
    topics' worth held in memory)."""
    for text in _body(topic, locale):
        yield from sentences(text)


def _body(topic: Topic, locale: str) -> list[str]:
    """The summary, the resources' titles, the practice task, the checklist, the quiz questions' explanations."""
    return [
        topic.summary.get(locale),
        *(r.title.get(locale) for r in topic.resources),
        *([topic.practice.get(locale)] if topic.practice else []),
        *(item.get(locale) for item in topic.checklist),
        *(q.explanation.get(locale) for q in topic.quiz),
    ]
