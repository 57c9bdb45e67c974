"""Import every feature's models, so metadata is complete for Alembic and tests."""


def import_all_models() -> None:
    import vrm.activity.models
    import vrm.caching.models
    import vrm.escalation.models
    import vrm.identity.models
    import vrm.members.models
    import vrm.moderation.models
    import vrm.notifications.models
    import vrm.reputation.models
    import vrm.reviews.models
    import vrm.search.models
    import vrm.suppliers.models
    import vrm.terms.models
    import vrm.watch.models  # noqa: F401
