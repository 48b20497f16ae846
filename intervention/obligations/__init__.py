"""Obligations: who owes what by when under a notice, and the one status each has on any day."""
