"""The order of the routers decides nothing about which button does what: the roadmap's buttons are tried first
(most taps are theirs), which is only safe while every button handler answers callback data of its own kind and
none but the fallback answers every tap."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters.callback_data import CallbackQueryFilter

from bot.callbacks import MenuCb, Screen
from bot.handlers import get_routers


def _answered(router: Router) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each button handler under `router`: its name and the buttons it answers, as (prefix, menu screen or *)."""
    found = []
    for handler in router.callback_query.handlers:
        buttons = []
        for kind in (f.callback for f in handler.filters or []):
            if not isinstance(kind, CallbackQueryFilter):
                continue
            prefix = kind.callback_data.__prefix__
            if kind.rule is None:
                buttons.append((prefix, "*"))
            else:  # only the menu's buttons are told apart by a rule: by their screen
                assert kind.callback_data is MenuCb
                rule = kind.rule
                buttons += [(prefix, s.value) for s in Screen if rule.resolve(MenuCb(screen=s))]
        found.append((f"{router.name}.{handler.callback.__name__}", buttons))
    for child in router.sub_routers:
        found.extend(_answered(child))
    return found


def test_every_button_handler_but_the_fallback_answers_buttons_of_its_own() -> None:
    routers = get_routers()
    assert routers[-1].name == "bot.handlers.fallback"
    handlers = [h for router in routers[:-1] for h in _answered(router)]
    assert len(handlers) > 20
    assert [
        name for name, buttons in handlers if not buttons
    ] == []  # nothing before the fallback catches all
    owner: dict[tuple[str, str], str] = {}
    for name, buttons in handlers:
        for button in buttons:
            assert owner.setdefault(button, name) == name, f"{name} and {owner[button]} both answer {button}"
            assert (button[0], "*") not in owner or button[1] == "*" or owner[(button[0], "*")] == name
