"""The safety net: live concerns and distress spotted, the "child now?" answer, urgent contacts."""
