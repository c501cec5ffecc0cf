"""Models of the observatory app."""

from django.db import models  # noqa: F401
