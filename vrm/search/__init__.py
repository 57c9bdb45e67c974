"""Full-text search over suppliers and reviews (Whoosh), kept in step through an outbox."""
