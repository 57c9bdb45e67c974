# Flask-Login 0.6 ships no types: see typings/README.md.
import datetime as dt
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask

_P = ParamSpec("_P")
_R = TypeVar("_R")
_L = TypeVar("_L", bound=Callable[[str], object])

# A proxy to the loaded member or an AnonymousUserMixin: which one is known only at run
# time, so callers check is_authenticated before using a member's attributes.
current_user: Any

def login_required(func: Callable[_P, _R]) -> Callable[_P, _R]: ...
def login_user(
    user: Any,
    remember: bool = False,
    duration: dt.timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...

class UserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str: ...

class AnonymousUserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> None: ...

class LoginManager:
    anonymous_user: type[Any]
    login_view: str | None
    login_message: str
    login_message_category: str
    session_protection: str | None
    def __init__(self, app: Flask | None = None, add_context_processor: bool = True) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _L) -> _L: ...
