from factories import actors, fast_passwords  # noqa: F401
