"""A practitioner's personal CPD record of a briefing, and the end-of-walk-through summary."""
