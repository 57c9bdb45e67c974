"""Sign-in failures, each with words that say what happened and what to do next."""

from __future__ import annotations

from vrm.errors import DomainError


class SignInError(DomainError):
    title = "Sign-in did not work"

    @classmethod
    def identifier(cls, detail: str, *, hint: str | None = None) -> SignInError:
        """The person typed something that does not lead to a provider."""
        return cls(
            detail,
            hint=hint or "Check the address, or choose a listed provider.",
            field="identifier",
        )

    @classmethod
    def unreachable(cls, detail: str) -> SignInError:
        error = cls(
            detail,
            hint="Check the address; if it is right, the provider may be down. "
            "Try again later or use another identity.",
        )
        error.status = 502
        return error

    @classmethod
    def provider(cls, detail: str) -> SignInError:
        """The provider answered something Parley must not trust."""
        error = cls(
            f"Your provider's answer was refused. {detail}",
            hint="Try again; if it keeps happening, use another identity provider.",
        )
        error.status = 502
        return error

    @classmethod
    def callback(cls, detail: str, *, hint: str | None = None) -> SignInError:
        """The return from the provider cannot be accepted."""
        return cls(detail, hint=hint or "Start signing in again from the sign-in page.")
