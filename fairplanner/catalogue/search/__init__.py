"""Fair search: the analyzer (text to stemmed terms), place names in every spelling, the term
index kept current at write time, the query that every list of fairs uses, and the fuzzy
fallback. How it works: docs/search.md."""
