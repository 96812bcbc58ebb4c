"""Vangnet: a platform for social safety at work."""

__version__ = "0.1.0"
