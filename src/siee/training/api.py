"""API routes of the training app, mounted by siee.api.main."""

from ninja import Router

router = Router()
