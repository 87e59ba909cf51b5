"""The follow-up months later: "what has changed in your practice since?" (opt-in, sent once)."""
