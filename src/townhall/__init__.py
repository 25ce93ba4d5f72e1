"""Townhall: shared service patterns for public bodies."""
