"""What to offer when the assistant is unsure what a message meant."""
