"""The map's web side: the page at /app/ and its JSON API under /app/api/, on the bot's own web server.

Every API call names its learner only through `Authorization: tma <initData>` (checked in `bot.webapp.auth`), so
a learner reads and changes only their own rows; track and topic ids come from the content. The handlers call
the same services as the chat (`marking.mark`, `progress.topic_state`, `roadmap_map.map_of_track`). Nothing
from the request (init data, the user) is logged, and the access log is off (bot/web.py).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.outage import DatabaseOutage, database_unavailable
from bot.services import marking, profile, progress, roadmap_map
from bot.views import map as views
from bot.webapp.auth import Malformed, Unauthorized, learner_from
from db.models import Learner, Status

STATIC = Path(__file__).resolve().parent / "static"
LANGUAGES = ("en", "ru")

Handler = Callable[[web.Request, Learner, AsyncSession], Awaitable[web.Response]]


def page_html(i18n: I18n) -> str:
    """index.html with its stylesheet, script and words (both languages) inlined: one small request, no build."""
    words = {}
    for locale in LANGUAGES:
        with i18n.context(), i18n.use_locale(locale):
            words[locale] = views.labels()
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    style = (STATIC / "app.css").read_text(encoding="utf-8")
    words_json = json.dumps(words, ensure_ascii=False).replace("</", "<\\/")
    return (
        html.replace("/*STYLE*/", style)
        .replace("/*WORDS*/", f"window.MAP_WORDS={words_json};")
        .replace("/*SCRIPT*/", script)
    )


def setup_map(app: web.Application, dispatcher: Dispatcher, bot: Bot) -> None:
    """Serve the map on `app`. The catalog and database are the dispatcher's, so /reload reaches the map too."""
    sessionmaker: async_sessionmaker[AsyncSession] = dispatcher["sessionmaker"]
    catalog: Catalog = dispatcher["catalog"]
    clock: Clock = dispatcher["clock"]
    i18n: I18n = dispatcher["i18n_core"]
    outage: DatabaseOutage = dispatcher["outage"]
    page = page_html(i18n)

    def json_error(status: int, error: str) -> web.Response:
        return web.json_response({"error": error}, status=status)

    def authenticated(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def wrapper(request: web.Request) -> web.Response:
            try:
                user = learner_from(request.headers.get("Authorization"), bot.token, clock())
            except Unauthorized:
                return json_error(401, "unauthorized")
            except Malformed:
                return json_error(400, "bad_request")
            try:
                async with sessionmaker() as session:
                    learner = await profile.get_learner(session, user.id)
                    if learner is None or learner.onboarded_at is None:  # no plan before the set-up is done
                        return json_error(404, "not_started")
                    with i18n.context(), i18n.use_locale(learner.language):
                        response = await handler(request, learner, session)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                outage.failed(exc)  # one story in the log, not a traceback per request
                return json_error(503, "unavailable")
            response.enable_compression()
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapper

    async def index(request: web.Request) -> web.Response:
        response = web.Response(text=page, content_type="text/html", charset="utf-8")
        response.headers["Cache-Control"] = "no-cache"
        response.enable_compression()
        return response

    async def roadmap(request: web.Request, learner: Learner, session: AsyncSession) -> web.Response:
        track_id = request.query.get("track") or learner.current_track
        if track_id is None or catalog.track(track_id) is None:
            return json_error(404, "no_track")
        track_map = await roadmap_map.map_of_track(session, catalog, learner, track_id, clock())
        assert track_map is not None
        payload = views.roadmap_payload(track_map, catalog, learner.language, learner.current_track)
        return web.json_response({"lang": learner.language, "labels": views.labels(), **payload})

    async def topic(request: web.Request, learner: Learner, session: AsyncSession) -> web.Response:
        try:
            state = await progress.topic_state(
                session, catalog, learner.id, request.query.get("track", ""), request.query.get("topic", "")
            )
        except progress.UnknownTopic:
            return json_error(404, "unknown_topic")
        return web.json_response(views.card_payload(state, learner.language))

    async def status(request: web.Request, learner: Learner, session: AsyncSession) -> web.Response:
        try:
            body: Any = await request.json()
            track_id, topic_id = str(body["track"]), str(body["topic"])
            part, chosen = str(body.get("part", "")), Status(body["status"])
            with_earlier = body.get("with_earlier") is True  # the card asked first: the passes before it too
        except (ValueError, KeyError, TypeError):
            return json_error(400, "bad_request")
        try:
            if chosen is Status.KNOWN:  # the chat's «I already know this»: out of the plan, reviews later
                state = await marking.mark_known(session, catalog, learner.id, track_id, [topic_id], clock())
            else:
                state = await marking.mark(
                    session,
                    catalog,
                    learner.id,
                    track_id,
                    topic_id,
                    part,
                    chosen,
                    clock(),
                    with_earlier=with_earlier,
                )
        except progress.UnknownTopic:
            return json_error(404, "unknown_topic")
        except marking.EarlierPassOpen:
            return json_error(409, "earlier_pass")
        # A mark in the map is the learner being here, as a message in the chat is: the organiser's dashboard, the
        # admin's /stats and the back-off all read it.
        await profile.touch(session, learner, clock())
        return web.json_response(views.card_payload(state, learner.language))

    app.router.add_get("/app/", index)
    app.router.add_get("/app/api/roadmap", authenticated(roadmap))
    app.router.add_get("/app/api/topic", authenticated(topic))
    app.router.add_post("/app/api/status", authenticated(status))
