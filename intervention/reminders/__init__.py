"""Reminder emails: what is due to whom on a day, sending each once, and the record of it."""
