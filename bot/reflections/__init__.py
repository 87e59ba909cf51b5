"""Reflections: the dialogue (draft, preview, save, withdraw), the service, receipt codes."""
