"""Reflect: everything that is not Rasa glue lives here, as plain, testable Python."""
