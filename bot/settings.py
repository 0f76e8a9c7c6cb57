"""Process settings, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the wiring needs; tokens are optional until a platform is started."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    db: str = Field("briefbot.db", validation_alias=AliasChoices("BRIEFBOT_DB", "db"))
    admins: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias=AliasChoices("BRIEFBOT_ADMINS", "admins")
    )
    fetch_allow_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=AliasChoices("BRIEFBOT_FETCH_ALLOW_HOSTS", "fetch_allow_hosts")
    )
    digest_grace: timedelta = Field(
        timedelta(hours=6), validation_alias=AliasChoices("BRIEFBOT_DIGEST_GRACE", "digest_grace")
    )
    # how long a digest claim holds its slot before another process may take it over (a killed replica's)
    digest_lease: timedelta = Field(
        timedelta(minutes=5), gt=timedelta(0), validation_alias=AliasChoices("BRIEFBOT_DIGEST_LEASE", "digest_lease")
    )
    # None: INFO for the long-running platform processes, WARNING for one-shot commands
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] | None = Field(
        None, validation_alias=AliasChoices("BRIEFBOT_LOG_LEVEL", "log_level")
    )
    # json: one JSON object per line (time, level, logger, message, platform, story, digest id)
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=AliasChoices("BRIEFBOT_LOG_FORMAT", "log_format")
    )
    # `briefbot serve`: how long SIGTERM waits for in-flight deliveries and polls before cancelling them
    drain_timeout: float = Field(
        25.0, ge=0, validation_alias=AliasChoices("BRIEFBOT_DRAIN_TIMEOUT", "drain_timeout")
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str | None = Field(None, validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"))

    discord_token: SecretStr | None = Field(None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"))
    discord_api_url: str | None = Field(None, validation_alias=AliasChoices("DISCORD_API_URL", "discord_api_url"))
    discord_gateway_url: str | None = Field(
        None, validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "discord_gateway_url")
    )
    discord_application_id: str | None = Field(
        None, validation_alias=AliasChoices("DISCORD_APPLICATION_ID", "discord_application_id")
    )
    # Gateway shards: every replica takes the shards no other holds (a lock per shard in the database), or,
    # with DISCORD_SHARD_IDS, exactly those shards and no lock (the operator splits them)
    discord_shard_count: int = Field(
        1, ge=1, validation_alias=AliasChoices("DISCORD_SHARD_COUNT", "discord_shard_count")
    )
    discord_shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        None, validation_alias=AliasChoices("DISCORD_SHARD_IDS", "discord_shard_ids")
    )
    # seconds between a standing-by replica's tries to take a shard whose holder may have died
    discord_shard_retry: float = Field(
        15.0, gt=0, le=60, validation_alias=AliasChoices("DISCORD_SHARD_RETRY", "discord_shard_retry")
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() or None if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() or "text" if isinstance(value, str) else value

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(v.strip() for v in value.replace(";", ",").split(",") if v.strip())
        return value

    @field_validator("fetch_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(v.strip().lower() for v in value.split(",") if v.strip())
        return value

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _split_shard_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [v.strip() for v in value.split(",") if v.strip()]
            if not all(p.isdigit() for p in parts):
                raise ValueError(f"shard numbers separated by commas (e.g. 0,2), not {value!r}")
            return tuple(int(p) for p in parts) or None
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _check_shard_ids(cls, value: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
        count = info.data.get("discord_shard_count")
        if value is None or count is None:
            return value
        if len(set(value)) != len(value):
            raise ValueError(f"a shard is named twice in {','.join(map(str, value))}")
        outside = [i for i in value if not 0 <= i < count]
        if outside:
            raise ValueError(
                f"shard {','.join(map(str, outside))} is outside DISCORD_SHARD_COUNT={count} (shards 0 to {count - 1})"
            )
        return tuple(sorted(value))

    @field_validator("digest_grace", "digest_lease", mode="before")
    @classmethod
    def _parse_grace(cls, value: object) -> object:
        """Accept '6h', '90m', '3600s', '3600' (seconds) or an ISO 8601 duration."""
        if isinstance(value, str):
            text = value.strip().lower()
            units = {"h": 3600, "m": 60, "s": 1}
            if text and text[-1] in units and text[:-1].replace(".", "", 1).isdigit():
                return timedelta(seconds=float(text[:-1]) * units[text[-1]])
            if text.replace(".", "", 1).isdigit():
                return timedelta(seconds=float(text))
        return value


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and ``.env``, with explicit overrides winning."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
