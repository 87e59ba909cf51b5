"""Group supervision: Reflect facilitates a team's discussion and writes minutes, naming nobody."""
