"""Tests mirroring the packages (tests/bot/x/test_y.py tests bot/x/y.py), stories, NLU, e2e."""
