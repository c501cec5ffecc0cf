from factories import actors, fast_passwords, home_records  # noqa: F401
