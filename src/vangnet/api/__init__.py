"""The JSON API under /api/v1/ (django-ninja; see docs/adr/0003-api-django-ninja.md)."""
