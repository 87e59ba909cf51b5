"""Briefings as data: content packs (schema, loader, validator, link check) and the wording."""
