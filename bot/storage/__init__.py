"""Where reflections are kept: SQLAlchemy models, engine/session factories and Alembic migrations.

Importing this package does nothing: engines are built by explicit factories in
:mod:`bot.storage.session`, from a database URL the caller passes in.
"""
