"""Signals other apps listen to, so that elections never imports them.

`seats_changed` is sent (inside the writing transaction) by every service that creates,
ends or changes post holders, with `term_ids` and `village_ids` (sets of primary keys).
Receivers that start background work must defer it with `transaction.on_commit`.
"""

from django.dispatch import Signal

seats_changed = Signal()
