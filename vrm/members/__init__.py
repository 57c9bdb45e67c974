"""Members: who a person is on Parley (a handle, their identities), export and erasure."""
