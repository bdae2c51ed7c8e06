"""The public face (issue 23): the public directory of the city's partnerships, their highlights, and the
open-data feed, read by anyone without signing in.

Everything public is read through crm.public.queries, the one place that says what is published: a partnership
staff opted in (`is_public`), its signed agreements, and its shared engagements staff marked as highlights,
showing only the fields the office chose (crm.settings.public_fields). Nothing else of the database reaches these pages.
"""
