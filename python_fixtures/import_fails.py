"""A module whose import raises, as a service with a missing setting does."""
raise RuntimeError("DATABASE_URL is not set")
