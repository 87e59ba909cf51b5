"""``python -m bot.web``: serve the demo page and the widget's files (started by `make run`)."""

from __future__ import annotations

import logging

from bot.channels import log_safety
from bot.settings.config import load_settings
from bot.storage.private_files import private_umask
from bot.web.app import create_app


def main() -> None:
    """Read Settings once and serve on WEB_HOST:WEB_PORT until SIGINT/SIGTERM."""
    private_umask()
    log_safety.install()  # no exception message or query string in a log line
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    app.run(
        host=settings.web_host,
        port=settings.web_port,
        access_log=False,
        motd=False,
        workers=1,
    )


if __name__ == "__main__":
    main()
