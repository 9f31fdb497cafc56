"""Fairs a company follows (its watch list): no application needed, private to the company."""
