"""Points for discussion: the walk-through state machine and the messages for each point."""
