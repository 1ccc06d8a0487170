"""Settings from the environment and `.env`; one instance is made at start-up and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _content_dir() -> Path:
    """Beside the `bot` package in a checkout; in the working directory when installed (the Docker image)."""
    beside = PROJECT_ROOT / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(
        default=None, description="Telegram bot token; without it the demo runs"
    )
    database_url: str = Field(default="sqlite+aiosqlite:///data/coach.db", description="SQLAlchemy async URL")
    telegram_api_url: str = Field(default="https://api.telegram.org", description="Bot API base URL")
    content_dir: Path = Field(default_factory=_content_dir, description="Folder with the track files")
    default_locale: str = Field(default="en", pattern="^(en|ru)$", description="Language for unknown users")
    log_level: str = Field(default="INFO", description="Logging level")
    tick_seconds: float = Field(default=20, gt=0, description="How often the scheduler looks for due sends")
    webhook_url: str | None = Field(default=None, description="Public HTTPS URL for Telegram's webhook")
    webhook_secret: SecretStr | None = Field(default=None, description="X-Telegram-Bot-Api-Secret-Token")
    web_host: str = Field(default="0.0.0.0", description="Web server address (webhook, /healthz, /metrics)")
    web_port: int = Field(default=8080, ge=0, le=65535, description="Web server port")
    webapp_url: str | None = Field(
        default=None,
        description="Public HTTPS URL under which /app/ (the roadmap map, a Mini App) is reachable",
    )
    redis_url: str | None = Field(default=None, description="Redis for FSM state; memory when unset")
    paid_broadcast_rate: int = Field(
        default=0,
        ge=0,
        le=1000,  # Telegram's ceiling for paid broadcasts
        description="Messages a second, free and paid together, for reminders beyond the free 30; 0: none paid",
    )
    log_format: str = Field(default="text", pattern="^(text|json)$", description="text or json log lines")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram ids of the course organisers, comma-separated"
    )

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_accepts(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("paid_broadcast_rate")
    @classmethod
    def _above_the_free_rate(cls, value: int) -> int:
        # At or under Telegram's free 30 a second nothing would be paid: a setting that does nothing is a mistake.
        if 0 < value <= 30:
            raise ValueError("PAID_BROADCAST_RATE must be 0 (off) or above the free 30 a second, up to 1000")
        return value

    @field_validator("webapp_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps only from HTTPS URLs.
        if not value:
            return None
        if not value.startswith("https://"):
            raise ValueError("WEBAPP_URL must be an https:// URL (Telegram opens Mini Apps only over HTTPS)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def map_url(self) -> str | None:
        """The Mini App's address (WEBAPP_URL + /app/), or None when the map is not offered."""
        return self.webapp_url.rstrip("/") + "/app/" if self.webapp_url else None

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None
