"""Sign-in: lockout of repeated failures, the second factor and password rules (imported by base)."""
