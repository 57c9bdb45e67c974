"""Import every feature's models, so metadata is complete for Alembic and tests."""


def import_all_models() -> None:
    import vrm.identity.models
    import vrm.members.models  # noqa: F401
