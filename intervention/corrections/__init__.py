"""Correcting a recorded fact (a date or a reference) with a reason, the original kept and shown."""
