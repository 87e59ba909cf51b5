from __future__ import annotations

import subprocess

from bench.run import CONFIGS
from bench.train import inputs_key
from bot.settings.config import PROJECT_ROOT


def test_the_cache_key_is_the_one_scripts_train_sh_computes() -> None:
    expected = subprocess.run(
        ["scripts/hash-inputs.sh", "data", "config.yml", "domain.yml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert inputs_key(CONFIGS["ours"]) == expected
    assert inputs_key(PROJECT_ROOT / "config.yml") == inputs_key(
        CONFIGS["ours"].relative_to(PROJECT_ROOT)
    )


def test_the_stock_config_has_its_own_key() -> None:
    assert inputs_key(CONFIGS["stock"]) != inputs_key(CONFIGS["ours"])
