"""The landing page and health endpoints."""
