"""Audit pages."""
