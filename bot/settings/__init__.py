"""Settings: each declared once, loaded once from the environment, passed down."""
