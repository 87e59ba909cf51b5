"""Settings for tests: their own secret, since Settings itself has no usable one.

``Settings()`` refuses to be built without a secret (bot.settings.config), so a test that wants
settings says where its secret comes from: :data:`TEST_SECRET` via :func:`make_settings`, or a
secret of its own.
"""

from __future__ import annotations

from typing import Any

from bot.settings.config import Settings

#: The tests' secret: known, and never used outside tests.
TEST_SECRET = b"test-secret-not-for-production!!"


def make_settings(**overrides: Any) -> Settings:
    """Settings with the defaults, the tests' secret, and ``overrides``."""
    return Settings(**{"secret": TEST_SECRET, **overrides})
