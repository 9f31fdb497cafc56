"""B2B meetings at fairs (issue 17)."""
