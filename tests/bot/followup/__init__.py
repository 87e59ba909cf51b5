"""Tests for bot/followup: opting in and out, the sealed Teams reference, the daily job."""
