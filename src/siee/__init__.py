"""SIEE: Sistema de Información de Empleo y Emprendimiento."""

__version__ = "0.1.0"
