"""Benchmarks and evaluators: speed against stock Rasa, the door's and safety net's figures."""
