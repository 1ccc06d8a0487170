"""The words tests/test_templates_agreement.py knows around a number or a title, in both languages.

A template that puts a word it does not know next to a count fails that test: add the word here."""

from __future__ import annotations

# Russian nouns that follow a number: singular and plural forms, each nom gen dat acc ins prep, and the gender.
_PARADIGMS = {
    "тема": ("f", "тема темы теме тему темой теме", "темы тем темам темы темами темах"),
    "вопрос": ("m", "вопрос вопроса вопросу вопрос вопросом вопросе",
               "вопросы вопросов вопросам вопросы вопросами вопросах"),
    "день": ("m", "день дня дню день днём дне", "дни дней дням дни днями днях"),
    "неделя": ("f", "неделя недели неделе неделю неделей неделе", "недели недель неделям недели неделями неделях"),
    "ученик": ("m", "ученик ученика ученику ученика учеником ученике",
               "ученики учеников ученикам учеников учениками учениках"),
    "участник": ("m", "участник участника участнику участника участником участнике",
                 "участники участников участникам участников участниками участниках"),
    "проблема": ("f", "проблема проблемы проблеме проблему проблемой проблеме",
                 "проблемы проблем проблемам проблемы проблемами проблемах"),
    "повторение": ("n", "повторение повторения повторению повторение повторением повторении",
                   "повторения повторений повторениям повторения повторениями повторениях"),
    "заморозка": ("f", "заморозка заморозки заморозке заморозку заморозкой заморозке",
                  "заморозки заморозок заморозкам заморозки заморозками заморозках"),
    "ответ": ("m", "ответ ответа ответу ответ ответом ответе", "ответы ответов ответам ответы ответами ответах"),
    "срок": ("m", "срок срока сроку срок сроком сроке", "сроки сроков срокам сроки сроками сроках"),
    "проход": ("m", "проход прохода проходу проход проходом проходе",
               "проходы проходов проходам проходы проходами проходах"),
    "этап": ("m", "этап этапа этапу этап этапом этапе", "этапы этапов этапам этапы этапами этапах"),
    "отправка": ("f", "отправка отправки отправке отправку отправкой отправке",
                 "отправки отправок отправкам отправки отправками отправках"),
    "очко": ("n", "очко очка очку очко очком очке", "очки очков очкам очки очками очках"),
    "символ": ("m", "символ символа символу символ символом символе",
               "символы символов символам символы символами символах"),
}  # fmt: skip
# Russian adjectives between a number and its noun («1 учебный день», «2 учебных дня»): masculine, feminine,
# neuter and plural forms, each nom gen dat acc ins prep. They agree with the number as the noun does.
_ADJECTIVES = {
    "учебный": ("учебный учебного учебному учебный учебным учебном", "учебная учебной учебной учебную учебной учебной",
                "учебное учебного учебному учебное учебным учебном", "учебные учебных учебным учебные учебными учебных"),
    "первый": ("первый первого первому первый первым первом", "первая первой первой первую первой первой",
               "первое первого первому первое первым первом", "первые первых первым первые первыми первых"),
}  # fmt: skip


def _noun_forms() -> dict[str, tuple[str, set[int]]]:
    """Each form → (gender, the plural form indexes of the counts it may follow: 0 for 1 and 21, 1 for 2, 2 for 5).
    After 2 a noun is in the genitive singular or in an oblique plural («2 темы», «2 тем», «2 темам»), after 5 in
    an oblique plural («5 тем»), after 1 and 21 in any singular case («21 тему», «из 21 темы»)."""
    table: dict[str, tuple[str, set[int]]] = {}
    for gender, singular, plural in _PARADIGMS.values():
        sg, pl = singular.split(), plural.split()
        oblique = {pl[1], pl[2], pl[4], pl[5]}
        allowed = {0: set(sg), 1: {sg[1]} | oblique, 2: oblique}
        for form in set(sg) | set(pl):
            table[form] = (gender, {index for index, forms in allowed.items() if form in forms})
    return table


def _adjective_forms() -> dict[str, tuple[str, set[int]]]:
    """Each form → (its gender, "pl" for a plural; the first gender listed for a form two share), the plural form
    indexes it may follow: any singular after 1 and 21, after 2 the nominative plural («2 учебные недели») or an
    oblique plural («2 учебных дня»), after 5 an oblique plural («5 учебных дней»)."""
    table: dict[str, tuple[str, set[int]]] = {}
    for paradigm in _ADJECTIVES.values():
        m, f, n, pl = (forms.split() for forms in paradigm)
        oblique = {pl[1], pl[2], pl[4], pl[5]}
        allowed = {0: set(m) | set(f) | set(n), 1: {pl[0]} | oblique, 2: oblique}
        for gender, forms in (("m", m), ("f", f), ("n", n), ("pl", pl)):
            for form in forms:
                indexes = {index for index, found in allowed.items() if form in found}
                table.setdefault(form, (gender, indexes))
    return table


RU_ADJECTIVES = _adjective_forms()


RU_NOUNS = _noun_forms() | RU_ADJECTIVES
# Predicates next to a number: their gender ("pl" plural, "sg" any singular).
RU_PREDICATES = {
    **{f"пройден{e}": g for e, g in (("", "m"), ("а", "f"), ("о", "n"), ("ы", "pl"))},
    **{f"использован{e}": g for e, g in (("", "m"), ("а", "f"), ("о", "n"), ("ы", "pl"))},
    **{f"отмечен{e}": g for e, g in (("", "m"), ("а", "f"), ("о", "n"), ("ы", "pl"))},
    **{f"пропущен{e}": g for e, g in (("", "m"), ("а", "f"), ("о", "n"), ("ы", "pl"))},
    **{f"остал{e}": g for e, g in (("ся", "m"), ("ась", "f"), ("ось", "n"), ("ись", "pl"))},
    **{f"прош{e}": g for e, g in (("ёл", "m"), ("ла", "f"), ("ло", "n"), ("ли", "pl"))},
    "получит": "sg", "получат": "pl", "ждёт": "sg", "ждут": "pl",
}  # fmt: skip
# «идёт», «тоже»: after a number that names a thing («Проход 2 идёт после прохода 1», «Отметить проход 1 тоже?»).
RU_NOT_NOUNS = {"из", "в", "при", "по", "до", "с", "и", "или", "на", "от", "вместе", "ч", "мин", "ещё", "идёт",
                "тоже"}  # fmt: skip
EN_NOUNS = {
    "day": "days", "week": "weeks", "topic": "topics", "question": "questions", "review": "reviews",
    "learner": "learners", "member": "members", "problem": "problems", "freeze": "freezes", "answer": "answers",
    "deadline": "deadlines", "pass": "passes", "stage": "stages", "character": "characters", "point": "points", "send": "sends", "s": "s", "h": "h", "min": "min",
}  # fmt: skip
EN_NOT_NOUNS = {"of", "more", "left", "to", "a", "today", "is", "are", "in", "on", "at", "and", "or", "by", "with",
                "right", "ahead", "behind", "waiting", "sent", "delivered", "failed", "blocked", "finished", "done", "quiz",
                "studied", "credited", "needed", "comes"}  # fmt: skip
# English words between a count and its noun that have no plural («1 study day», «21 first answers»): the noun
# after them is checked.
EN_MODIFIERS = {"study", "first"}
# The nouns that may introduce a title, in any case.
INTRODUCERS = {
    "ru": {"тема", "тему", "темы", "теме", "темой", "модуль", "модуля", "модулю", "трек", "трека", "треку", "треке",
           "поток", "потока", "потоку", "потоке", "этап", "этапа", "пояс",
           "ученик", "ученика", "ученику", "чат", "чата", "чату", "чате"},
    "en": {"topic", "module", "track", "cohort", "stage", "learner", "group"},
}  # fmt: skip
# Words with a gender that refer back to a named thing; «его» is a masculine's or a neuter's.
RU_GENDERED = {
    "он": {"m"}, "она": {"f"}, "оно": {"n"}, "её": {"f"}, "его": {"m", "n"}, "ему": {"m", "n"}, "ей": {"f"},
    "знакомый": {"m"}, "знакомая": {"f"}, "знакомую": {"f"}, "знакомое": {"n"},
    "отмечен": {"m"}, "отмечена": {"f"}, "отмечено": {"n"}, "пройден": {"m"}, "пройдена": {"f"},
}  # fmt: skip
RU_INTRODUCER_GENDER = {
    "тем": "f",
    "модул": "m",
    "трек": "m",
    "поток": "m",
    "этап": "m",
    "пояс": "m",
    "чат": "m",
}
RU_IMPERSONAL = {"отмечено", "пройдено"}  # «📈 {track}: пройдено 40%»: a neuter with no subject
