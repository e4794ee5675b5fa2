"""Read models in the database: the ``ViewStore`` the projection runner saves into."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from service.store.schema import projection_checkpoints, read_models


class SqlViewStore:
    """Views and checkpoints in the store's database; ``save`` is one transaction."""

    def __init__(self, engine: AsyncEngine, write_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.write_engine = write_engine or engine
        self._insert: Any = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )

    async def checkpoint(self, name: str) -> tuple[int, int] | None:
        query = sa.select(
            projection_checkpoints.c.projection_version, projection_checkpoints.c.position
        ).where(projection_checkpoints.c.name == name)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (int(row[0]), int(row[1]))

    async def load_views(self, name: str, keys: list[str]) -> dict[str, bytes]:
        if not keys:
            return {}
        query = sa.select(read_models.c.key, read_models.c.data).where(
            read_models.c.projection == name, read_models.c.key.in_(keys)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {str(key): bytes(data) for key, data in rows}

    async def save(
        self, name: str, projection_version: int, position: int, views: Mapping[str, bytes]
    ) -> None:
        async with self.write_engine.begin() as conn:
            if views:
                rows = [
                    {"projection": name, "key": key, "version": position, "data": data}
                    for key, data in views.items()
                ]
                stmt = self._insert(read_models)
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[read_models.c.projection, read_models.c.key],
                        set_={"version": stmt.excluded.version, "data": stmt.excluded.data},
                    ),
                    rows,
                )
            stmt = self._insert(projection_checkpoints).values(
                name=name, projection_version=projection_version, position=position
            )
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[projection_checkpoints.c.name],
                    set_={"projection_version": projection_version, "position": position},
                )
            )

    async def reset(self, name: str) -> None:
        async with self.write_engine.begin() as conn:
            await conn.execute(sa.delete(read_models).where(read_models.c.projection == name))
            await conn.execute(
                sa.delete(projection_checkpoints).where(projection_checkpoints.c.name == name)
            )
