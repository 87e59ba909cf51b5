"""Group supervision: Reflect facilitates a team's discussion and writes the minutes, naming nobody."""
