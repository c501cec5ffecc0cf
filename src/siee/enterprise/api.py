"""API routes of the enterprise app, mounted by siee.api.main."""

from ninja import Router

router = Router()
