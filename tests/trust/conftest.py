"""Trust tests reuse the review fixtures: a supplier, two members, a signed-in client."""

from tests.reviews.conftest import alice, alice_client, bob, supplier

__all__ = ["alice", "alice_client", "bob", "supplier"]
