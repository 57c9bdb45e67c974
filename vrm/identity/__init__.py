"""OpenID Connect sign-in with providers the operator lists or the person names."""
