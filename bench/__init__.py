"""Benchmarks (not part of Reflect itself)."""
