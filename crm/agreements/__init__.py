"""Agreements of a partnership: texts in several languages, signatories, lifecycle."""
