"""Tests mirroring the packages (tests/bot/x/test_y.py for bot/x/y.py), stories/, nlu/, e2e/, data/blind/."""
