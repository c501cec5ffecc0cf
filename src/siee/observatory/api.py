"""API routes of the observatory app, mounted by siee.api.main."""

from ninja import Router

router = Router()
