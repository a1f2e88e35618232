"""The analysts' workplace. Every list declares its joins; statuses change only through the
services (the "Change status" button on an instrument, progress updates on a follow-up).

One module per domain noun; importing them registers their admins.
"""

from agreements.admin import accounts, follow_ups, indicators, instruments, meetings, reference

__all__ = ["accounts", "follow_ups", "indicators", "instruments", "meetings", "reference"]
