"""Files the service writes are its owner's alone: files 0600, the data folder 0700.

The ``plenary`` command sets a umask of 077 first thing, but the app can be run as a library
under any umask, so every place that creates a file sets its mode itself, through here. A
SQLite database is created empty before SQLite opens it: SQLite gives its ``-wal``, ``-shm``
and ``-journal`` files the mode of the database file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Literal

from sqlalchemy.engine import make_url

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner may enter (created, with its parents, if missing)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner may read: created empty if missing, else left as it
    is but for its mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def open_private(path: Path, mode: Literal["wb", "ab"]) -> IO[bytes]:
    """``path`` opened to write (``wb`` from empty, ``ab`` at its end), mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if mode == "wb" else os.O_APPEND)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, mode)


def private_sqlite(url: str) -> None:
    """For a SQLite URL, its database file and the companions SQLite keeps beside it, 0600
    (the file is created empty if missing; its folder, if missing, 0700). Other URLs: nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    database = Path(parsed.database)
    if not database.parent.exists():
        private_folder(database.parent)
    private_file(database)
    for suffix in SQLITE_COMPANIONS:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            os.chmod(companion, FILE_MODE)
