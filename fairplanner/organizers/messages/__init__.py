"""Messages from organizer staff to a fair's applicants, saved templates, scheduled sends."""
