"""Real processes on loopback: a trained model, the action server, the Rasa server, the web app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from bot.run import Stack, start_stack
from bot.settings.config import PROJECT_ROOT, Settings
from tests.settings import make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model `make` trained (REFLECT_MODEL), or train/restore it now via the cached script."""
    given = os.environ.get("REFLECT_MODEL")
    if given:
        return PROJECT_ROOT / given
    out = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "train.sh")], capture_output=True, text=True, check=True
    )
    return PROJECT_ROOT / out.stdout.strip().splitlines()[-1]


@dataclass
class Rest:
    """A REST-channel client for one sender."""

    base_url: str
    sender: str

    def say(self, text: str) -> list[dict[str, Any]]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return list(json.loads(response.read()))

    def text_of(self, text: str) -> str:
        """All reply texts and button titles joined, for simple assertions."""
        parts = []
        for reply in self.say(text):
            parts.append(reply.get("text", ""))
            parts.extend(button["title"] for button in reply.get("buttons", []))
        return "\n".join(parts)


@pytest.fixture
def stack_settings(tmp_path: Path) -> Settings:
    return make_settings(
        var_dir=tmp_path / "var",
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
    )


@pytest.fixture
def running(stack_settings: Settings, model_path: Path) -> Iterator[Stack]:
    stack = start_stack(stack_settings, model_path)
    try:
        yield stack
    finally:
        stack.stop()


@contextmanager
def stack_on_free_ports(var_dir: Path, model_path: Path, **overrides: Any) -> Iterator[Stack]:
    """A running stack (actions, Rasa, web app) on free loopback ports, stopped afterwards.

    For module-scoped fixtures: a stack takes several seconds to start.
    """
    settings = make_settings(
        var_dir=var_dir,
        rasa_port=free_port(),
        action_port=free_port(),
        web_port=free_port(),
        **overrides,
    )
    stack = start_stack(settings, model_path)
    try:
        yield stack
    finally:
        stack.stop()


def restart(stack: Stack, model_path: Path) -> Stack:
    """Stop the processes and start new ones on the same var/ (same tracker store)."""
    stack.stop()
    return start_stack(replace(stack.settings), model_path)
