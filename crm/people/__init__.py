"""People (issue 22 §1 and §7): one person across partnerships and organizations, duplicates and merging, and
the sensitive fields only protocol access sees."""
