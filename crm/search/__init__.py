"""One search box over partnerships, cities, contacts, organizations and engagements."""
