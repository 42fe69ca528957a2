"""Signals for decoupled concerns (the audit app logs these); no domain flow hangs on them."""

from django.dispatch import Signal

# Sent with user, actor (who did it) and request (or None).
password_changed = Signal()
password_reset = Signal()
