"""Models of the enterprise app."""

from django.db import models  # noqa: F401
