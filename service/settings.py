"""Configuration from the environment, read once by the composition root."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from service.commands.limits import Limits
from service.files import private_folder

ProjectorMode = Literal["process", "inline"]

DEFAULT_DATA_DIR = Path("var")
HOUR, DAY = 3600, 86400
SECRET_MIN_BYTES = 32
KNOWN_SECRETS = frozenset(
    {
        b"change-me-to-a-long-random-secret",
        b"change-me",
        b"changeme",
        b"secret",
        b"plenary",
    }
)
"""Secrets published somewhere (examples, earlier compose files): never accepted."""


class InsecureSecret(ValueError):
    """``PLENARY_SECRET`` is a published example or too short to sign credentials with."""


@dataclass(frozen=True, slots=True)
class Lifetimes:
    """How long each kind of credential lasts, in seconds (``service.tokens``)."""

    session: int = 12 * HOUR
    """A person's working token; the web client refreshes it while it is used."""
    invite: int = 14 * DAY
    link: int = 30 * DAY
    """A person's own way back in after their session ended."""
    signin: int = 7 * DAY
    """An organiser's sign-in link."""
    ticket: int = 30
    """A WebSocket ticket: used once, at once."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``create_app`` needs. Build with ``Settings.from_env()`` or directly in tests."""

    database_url: str
    secret: bytes
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_origins: tuple[str, ...] = ()
    data_dir: Path = DEFAULT_DATA_DIR
    database_schema: str | None = None
    public_url: str = ""
    snapshot_every: int = 100
    lifetimes: Lifetimes = Lifetimes()
    limits: Limits = field(default_factory=Limits)
    """What one workshop may take of the service (``PLENARY_LIMIT_*``)."""
    projector: ProjectorMode = "process"
    """Where ``serve`` keeps the read models caught up: a child process (``plenary project``),
    so folding and saving them never holds the GIL the live boards' event loop needs, or
    ``inline``, a task on that loop (tests that drive the projector themselves)."""

    @property
    def base_url(self) -> str:
        """Where people reach the service: ``PLENARY_PUBLIC_URL`` or host and port."""
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"

    def origins(self) -> tuple[str, ...]:
        """Allowed browser origins: the configured list, else the service's own base URL."""
        if self.allowed_origins:
            return self.allowed_origins
        own = {self.base_url, f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"}
        return tuple(sorted(own))

    @classmethod
    def from_env(
        cls,
        env: dict[str, str] | None = None,
        *,
        database_url: str | None = None,
        host: str | None = None,
        port: int | None = None,
    ) -> Settings:
        """Settings from ``PLENARY_*`` variables; explicit arguments (CLI flags) win."""
        env = dict(os.environ) if env is None else env
        data_dir = Path(env.get("PLENARY_DATA_DIR", str(DEFAULT_DATA_DIR)))
        url, schema = database_from_env(env, database_url)
        origins = tuple(
            o.strip() for o in env.get("PLENARY_ALLOWED_ORIGINS", "").split(",") if o.strip()
        )
        lifetimes = Lifetimes(
            session=int(float(env.get("PLENARY_SESSION_HOURS", "12")) * HOUR),
            invite=int(float(env.get("PLENARY_INVITE_DAYS", "14")) * DAY),
            link=int(float(env.get("PLENARY_LINK_DAYS", "30")) * DAY),
            signin=int(float(env.get("PLENARY_SIGNIN_DAYS", "7")) * DAY),
        )
        return cls(
            database_url=url,
            secret=load_secret(env.get("PLENARY_SECRET"), data_dir),
            lifetimes=lifetimes,
            host=host or env.get("PLENARY_HOST", "127.0.0.1"),
            port=port or int(env.get("PLENARY_PORT", "8000")),
            allowed_origins=origins,
            data_dir=data_dir,
            database_schema=schema,
            public_url=env.get("PLENARY_PUBLIC_URL", ""),
            projector=_projector_mode(env.get("PLENARY_PROJECTOR", "process")),
            limits=Limits.from_env(env),
        )


def database_from_env(
    env: dict[str, str] | None = None, database_url: str | None = None
) -> tuple[str, str | None]:
    """The log's URL and PostgreSQL schema: ``database_url`` (a CLI flag) or ``PLENARY_*``."""
    env = dict(os.environ) if env is None else env
    data_dir = Path(env.get("PLENARY_DATA_DIR", str(DEFAULT_DATA_DIR)))
    url = database_url or env.get("PLENARY_DATABASE_URL") or default_database_url(data_dir)
    return url, env.get("PLENARY_DATABASE_SCHEMA") or None


def _projector_mode(value: str) -> ProjectorMode:
    if value == "process":
        return "process"
    if value == "inline":
        return "inline"
    raise ValueError(f"PLENARY_PROJECTOR must be process or inline, not {value!r}")


def default_database_url(data_dir: Path) -> str:
    """SQLite in the data folder: ``./var/plenary.db`` by default."""
    return f"sqlite+aiosqlite:///{(data_dir / 'plenary.db').as_posix()}"


def load_secret(configured: str | None, data_dir: Path) -> bytes:
    """``PLENARY_SECRET``, else a secret generated once into ``<data_dir>/secret`` (mode 0600).

    Raises ``InsecureSecret`` for a published example or one under 32 bytes.
    """
    if configured:
        secret = configured.encode()
        if secret.strip().lower() in KNOWN_SECRETS or len(secret) < SECRET_MIN_BYTES:
            raise InsecureSecret(
                "PLENARY_SECRET must be a long random value of your own (at least "
                f"{SECRET_MIN_BYTES} bytes), not an example; "
                "for instance: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return secret
    path = data_dir / "secret"
    if path.exists():
        return path.read_bytes().strip()
    private_folder(data_dir)
    value = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value
