"""Demo data across the domains: the catalogue of real Belarusian fairs, demo logins, and the
companies, applications and change history that give the demo organizer real work."""
