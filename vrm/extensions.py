"""Flask extensions, created unbound and initialised in the factory."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
login_manager = LoginManager()


def member_or_address() -> str:
    """Rate-limit key: the signed-in member, else the client address."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"member:{current_user.get_id()}"
    return f"addr:{get_remote_address()}"


# Write limits: shared here so every feature throttles sign-in and writes the same way.
SIGN_IN_LIMIT = "20 per minute;100 per hour"
WRITE_LIMIT = "30 per minute;300 per hour"
