"""The briefing: a content pack turned into the walk-through messages (learning, procedures)."""
