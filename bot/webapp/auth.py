"""Who is asking: Telegram's init data, checked with the bot token, and not older than a day."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

from aiogram.utils.web_app import WebAppUser, safe_parse_webapp_init_data

# Telegram signs init data when the Mini App opens, and the page keeps it while it is open. We accept it for a day:
# aiogram checks only the signature, never the age, and Telegram Desktop is reported to hand a reopened Mini App
# the auth_date of its first opening, so an hour would lock out desktop learners while a day still bounds replay.
MAX_AGE = timedelta(hours=24)
# A few minutes of clock difference between Telegram's servers and ours is not "from the future".
CLOCK_SKEW = timedelta(minutes=5)


# Telegram's user ids fit in 64 bits (the database's columns too): a signed id beyond is a malformed request.
INT64 = 1 << 63


class Unauthorized(Exception):
    """The request carries no init data, a forged or tampered one, or one too old; the reason is for tests only."""


class Malformed(ValueError):
    """Signed init data that no Telegram user could have: answered 400."""


def learner_from(authorization: str | None, token: str, now: datetime) -> WebAppUser:
    """The Telegram user of `Authorization: tma <initData>`, or Unauthorized (or Malformed)."""
    scheme, _, init_data = (authorization or "").partition(" ")
    if scheme.lower() != "tma" or not init_data.strip():
        raise Unauthorized("no init data")
    try:
        # The HMAC covers every field but `hash`, the newer `signature` included (kept in the checked string).
        parsed = safe_parse_webapp_init_data(token, init_data.strip())
    except (ValueError, TypeError):  # a wrong hash, or fields that do not parse
        raise Unauthorized("bad signature") from None
    age = now - parsed.auth_date
    if age > MAX_AGE or age < -CLOCK_SKEW:
        raise Unauthorized("expired")
    if parsed.user is None:
        raise Unauthorized("no user")
    if not 0 < parsed.user.id < INT64:
        raise Malformed("a user id beyond 64 bits")
    return parsed.user


def sign_init_data(token: str, user: dict[str, object], auth_date: datetime, **fields: str) -> str:
    """Init data as Telegram would sign it for this bot: for the console demo's link and for tests."""
    data = {
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(auth_date.timestamp())),
        **fields,
    }
    check_string = "\n".join(f"{key}={value}" for key, value in sorted(data.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    data["hash"] = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode(data)
