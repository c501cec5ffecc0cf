"""Helpers that import nothing of ours and define no models."""
