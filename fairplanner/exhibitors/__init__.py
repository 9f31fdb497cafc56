"""The exhibitor catalogue of each fair and the companies' public pages.

What is public: an exhibitor's application (registrations) once approved, listed by its
company (its choice on the application form, yes by default) and not hidden by the organizer,
at a fair the catalogue shows. The entry texts and the choice are columns of the application
(fairplanner.registrations.models): the application form writes them, its history keeps their
changes, and the "registrations" cache generation covers them with the fair page's count.
"""
