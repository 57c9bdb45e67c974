"""The domain signals. Each is sent by the service that owns the change, inside its
transaction; handlers live in the feature that reacts and are connected in the factory."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

member_joined = _signals.signal("member-joined")
"""A person chose a handle and became a member. Sender: the Member; kwarg ``session``."""

member_erasing = _signals.signal("member-erasing")
"""A member is about to be erased. Handlers remove or anonymise what their feature holds
about them, in the same transaction. Sender: the Member; kwarg ``session``."""

member_exporting = _signals.signal("member-exporting")
"""A member's data is being exported. Handlers return ``(section_name, data)`` to add
their feature's part. Sender: the Member; kwarg ``session``."""
