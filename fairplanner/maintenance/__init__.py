"""Periodic housekeeping across the domains (`flask maintenance run`)."""
