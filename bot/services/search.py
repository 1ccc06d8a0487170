"""Ask the course: which topics answer a question typed in Russian or English, typos and all.

The index
    One document per topic of every track, in two fields scored by BM25 (`bm25s`): the title (both languages), and
    the body (the summary, the resources' titles, the practice task and checklist, the quiz questions'
    explanations, both languages). A topic's score is `TITLE_WEIGHT` × its title's score plus its body's. Words
    are Snowball stems by script (`search_text.Stems`). It is built from the loaded catalog at start-up and again
    on /reload (`rebuild`), in memory: no files, no network.

A question
    Its words less stop words and asking words («где тут про», "what should I read about"). A word whose stem the
    index knows counts as it is; a stem that differs from a known one only by an ending («депло» / «депл») counts
    at `VARIANT_WEIGHT`; a word the index does not know at all is compared by its spelling key (`spelling_key`:
    «докер» ~ docker, «mlflou» ~ mlflow) with the index's words by `rapidfuzz`, and the closest (within
    `FUZZY_EDITS`) counts at its similarity. Topics of the tracks the learner follows win near-ties: their score is
    multiplied by `FOLLOWED_BOOST`. Nothing matched: the closest words of the index are offered instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services.bm25 import bm25s
from bot.services.search_text import (
    STOPWORDS,
    Stems,
    asked_words,
    body_texts,
    clip,
    quotable,
    sentences,
    spelling_key,
    title_texts,
    words,
)

TITLE_WEIGHT = 2.5
VARIANT_WEIGHT = 0.7
VARIANT_MIN = 4  # letters a stem has before its endings may differ
FUZZY_EDITS = ((5, 0), (8, 1), (12, 2))  # spelling keys shorter than 5 letters: no edit; 5–7: one; 8–11: two
FUZZY_EDITS_MAX = 3
GUESS_MIN_LENGTH = 3  # letters of a word below which it is not guessed at
GUESS_MIN_TOPICS = 3  # a typo is guessed among title words and words of at least this many topics
SUGGEST_CUTOFF = 60.0
FOLLOWED_BOOST = 1.1
CLEAR_LEAD = 1.3  # the best hit is "the" answer when it scores this many times the second
SNIPPET_MAX = 220
QUERY_MAX = 200  # characters of a query read


@dataclass(frozen=True)
class Hit:
    ref: TopicRef
    score: float
    sentence: str  # the sentence of the topic that matches best, as written
    spans: tuple[tuple[int, int], ...]  # where in `sentence` the matching words are


@dataclass(frozen=True)
class Answer:
    hits: list[Hit]
    suggestions: list[str] = field(default_factory=list)  # closest known words, when nothing matched

    @property
    def clear(self) -> Hit | None:
        """The one best topic, when it stands out from the rest (or is alone)."""
        if not self.hits:
            return None
        if len(self.hits) == 1 or self.hits[0].score >= CLEAR_LEAD * self.hits[1].score:
            return self.hits[0]
        return None


class _Index:
    """What a search reads, built once per content: two BM25 fields, every word's stem, the spelling keys."""

    def __init__(self, catalog: Catalog, stems: Stems) -> None:
        self.refs = [ref for track in catalog.tracks for ref in catalog.plan(track.id)]
        self.stem_of: dict[str, str] = {}  # every word of the course → its stem
        titles = [self._stems(stems, title_texts(ref.topic)) for ref in self.refs]
        bodies = [self._stems(stems, body_texts(ref.topic)) for ref in self.refs]
        self.title = _bm25(titles)
        self.body = _bm25(bodies)
        self.known = frozenset(self.title.vocab_dict) | frozenset(self.body.vocab_dict)
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for stem in self.known:
            if len(stem) >= VARIANT_MIN:
                by_prefix[stem[:VARIANT_MIN]].append(stem)
        self.by_prefix = {prefix: tuple(known) for prefix, known in by_prefix.items()}
        by_key: dict[str, set[str]] = defaultdict(set)  # spelling key → the stems of its words
        for word, stem in self.stem_of.items():
            by_key[spelling_key(word)].add(stem)
        self.by_key = {key: tuple(sorted(found)) for key, found in by_key.items()}  # tuples: a third of sets
        # Typos are guessed among the words of the titles and of several topics: a rarer word is more likely a near
        # miss («привет» is not «придёт») than what the learner meant.
        common = {s for s in self.body.vocab_dict if _frequency(self.body, s) >= GUESS_MIN_TOPICS}
        common |= set(self.title.vocab_dict)
        self.guessable = [key for key, found in self.by_key.items() if common.intersection(found)]
        # What «did you mean» offers: the words of the topics' titles (what a topic is known by), under their keys.
        self.suggestable: dict[str, str] = {}
        for word in sorted(
            {w for ref in self.refs for t in title_texts(ref.topic) for w, _a, _b in words(t)}
        ):
            if word not in STOPWORDS and len(word) >= GUESS_MIN_LENGTH:
                key = spelling_key(word)
                if len(word) < len(self.suggestable.get(key, word + " ")):
                    self.suggestable[key] = word
        self.suggestable_keys = list(self.suggestable)
        self.track_rows: dict[str, np.ndarray] = {}
        for row, ref in enumerate(self.refs):
            self.track_rows.setdefault(ref.track.id, np.zeros(len(self.refs), dtype=bool))[row] = True
        self.without_quiz = np.array([not ref.topic.quiz for ref in self.refs], dtype=bool)

    def _stems(self, stems: Stems, texts: Iterable[str]) -> list[str]:
        found = []
        for text in texts:
            for word, _start, _end in words(text):
                if word in STOPWORDS:
                    continue
                stem = self.stem_of.get(word)
                if stem is None:
                    stem = self.stem_of[word] = stems.stem(word)
                found.append(stem)
        return found

    def scores(self, weighted: dict[str, float]) -> np.ndarray:
        total = np.zeros(len(self.refs), dtype=np.float32)
        for stem, weight in weighted.items():
            for field_index, field_weight in ((self.title, TITLE_WEIGHT), (self.body, 1.0)):
                token = field_index.vocab_dict.get(stem)
                if token is not None:
                    total += (weight * field_weight) * field_index.get_scores_from_ids([token])
        return total


class SearchIndex:
    """The course's topics, searchable; swapped whole on /reload, so a search never sees half an index."""

    def __init__(self, catalog: Catalog) -> None:
        self._stems = Stems()
        self._index = _Index(catalog, self._stems)

    def rebuild(self, catalog: Catalog) -> None:
        self._index = _Index(catalog, self._stems)

    @property
    def vocabulary_size(self) -> int:
        return len(self._index.known)

    def search(
        self,
        query: str,
        locale: str,
        followed: Collection[str] = (),
        limit: int = 3,
        with_quiz: bool = False,
    ) -> Answer:
        """The best `limit` topics for `query`, quoted in `locale`; `with_quiz`: only topics with questions."""
        index = self._index
        weighted = self.understood(query[:QUERY_MAX])
        scores = index.scores(weighted) if weighted else np.zeros(len(index.refs), dtype=np.float32)
        for track_id in followed:
            rows = index.track_rows.get(track_id)
            if rows is not None:
                scores[rows] *= FOLLOWED_BOOST
        if with_quiz:
            scores[index.without_quiz] = 0
        best = [int(row) for row in np.argsort(-scores, kind="stable")[:limit] if scores[row] > 0]
        if not best:
            return Answer([], self.suggestions(query[:QUERY_MAX]))
        matched = set(weighted)
        return Answer([self._hit(index.refs[row], float(scores[row]), matched, locale) for row in best])

    def understood(self, query: str) -> dict[str, float]:
        """The query's stems the index knows, each with its weight (1 for a word as typed, less for a guess)."""
        index = self._index
        weighted: dict[str, float] = {}

        def add(stem: str, weight: float) -> None:
            weighted[stem] = max(weighted.get(stem, 0.0), weight)

        for word in asked_words(query):
            stem = index.stem_of.get(word) or self._stems.stem(word)
            if stem in index.known:
                add(stem, 1.0)
            variants = _variants(index, stem)
            for variant in variants:
                add(variant, VARIANT_WEIGHT)
            if stem in index.known or variants:
                continue
            # «даги» is DAGs with a Russian ending: its stem's spelling may be known where the word's is not.
            for stem_guess, similarity in _closest(index, word) or _closest(index, stem):
                add(stem_guess, similarity)
        return weighted

    def suggestions(self, query: str, count: int = 3) -> list[str]:
        """Words of the course closest to the query's words, for «nothing found, did you mean…»."""
        index = self._index
        found: list[str] = []
        seen: set[str] = set()  # stems: «project» or «projects», not both
        for word in asked_words(query):
            key = spelling_key(word)
            if len(word) < GUESS_MIN_LENGTH or len(key) < GUESS_MIN_LENGTH - 1:
                continue  # as for guesses: too little to go by
            for match, _score, _position in process.extract(
                key, index.suggestable_keys, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, limit=count
            ):
                surface = index.suggestable[match]
                stem = self._stem(surface)
                if stem not in seen:
                    seen.add(stem)
                    found.append(surface)
        return found[:count]

    def _hit(self, ref: TopicRef, score: float, matched: set[str], locale: str) -> Hit:
        """The hit, quoting the sentence of the topic (in the learner's language) with most of the query's words;
        the summary's first when none has any."""
        best: tuple[int, str, list[tuple[int, int]]] = (0, "", [])
        for sentence in quotable(ref.topic, locale):
            found = [(self._stem(word), a, b) for word, a, b in words(sentence)]
            spans = [(a, b) for stem, a, b in found if stem in matched]
            distinct = len({stem for stem, _a, _b in found if stem in matched})
            if distinct > best[0]:
                best = (distinct, sentence, spans)
        if not best[0]:
            best = (0, sentences(ref.topic.summary.get(locale))[0], [])
        sentence, spans = clip(best[1], best[2], SNIPPET_MAX)
        return Hit(ref, score, sentence, tuple(spans))

    def _stem(self, word: str) -> str:
        """`word` folded (`search_text.words`)."""
        return self._index.stem_of.get(word) or self._stems.stem(word)


def _bm25(documents: list[list[str]]) -> Any:  # a bm25s.BM25
    model = bm25s.BM25()
    model.index(documents, show_progress=False)
    return model


def _variants(index: _Index, stem: str) -> list[str]:
    """Known stems that are this one with another ending: one is the other plus at most two letters."""
    if len(stem) < VARIANT_MIN:
        return []
    return [
        known
        for known in index.by_prefix.get(stem[:VARIANT_MIN], ())
        if known != stem
        and (known.startswith(stem) or stem.startswith(known))
        and abs(len(known) - len(stem)) <= 2
    ]


def _closest(index: _Index, word: str) -> list[tuple[str, float]]:
    """The stems of the words whose spelling key is nearest the word's, within the edits its length allows, with
    their similarity (1 for the same key)."""
    key = spelling_key(word)
    if len(word) < GUESS_MIN_LENGTH or len(key) < GUESS_MIN_LENGTH - 1:
        return []  # «да» is not DA, nor «ок» OK, nor «qqqq» K: too little to go by
    if key in index.by_key:
        return [(stem, 1.0) for stem in index.by_key[key]]
    edits = next((e for length, e in FUZZY_EDITS if len(key) < length), FUZZY_EDITS_MAX)
    if not edits:
        return []
    found = process.extractOne(key, index.guessable, scorer=Levenshtein.distance, score_cutoff=edits)
    if found is None:
        return []
    match, distance, _position = found
    return [(stem, 1 - distance / max(len(key), len(match))) for stem in index.by_key[match]]


def _frequency(model: Any, stem: str) -> int:
    """In how many documents the stem occurs (the length of its column in the score matrix)."""
    token = model.vocab_dict[stem]
    indptr = model.scores["indptr"]
    return int(indptr[token + 1] - indptr[token]) if token + 1 < len(indptr) else 0  # "" has no column
