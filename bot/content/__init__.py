"""Briefings as data: content packs, their schema and loader, and the wording actions send."""
