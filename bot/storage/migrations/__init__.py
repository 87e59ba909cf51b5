"""Alembic migrations for Reflect's tables (run through :mod:`bot.storage.migrate`)."""
