"""The JSON API, version 1: read-only public data, described by an OpenAPI document."""
