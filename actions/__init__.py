"""Thin rasa_sdk actions: read slots, call one function in bot/, return events."""
