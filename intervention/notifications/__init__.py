"""Notifications: telling the person who acts next that it is their turn."""
