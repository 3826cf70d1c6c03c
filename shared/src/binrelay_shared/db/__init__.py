"""The database: one declarative :class:`~.base.Base`, the engine from ``BINRELAY_DATABASE_URL``
(SQLite under ``.run/`` by default, PostgreSQL in production) and the Alembic migrations of every
package that keeps tables in it (:mod:`.migrate`)."""
