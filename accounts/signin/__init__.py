"""Signing in safely: lockout of repeated failures, and a second factor (two-step verification).

lockout.py counts failed sign-ins per account and per address (django-axes) and shows the lock on
the sign-in page; second_factor.py sets up and checks an authenticator app and recovery codes
(django-otp); middleware.py refuses every page to a session that still owes its second factor.
"""
