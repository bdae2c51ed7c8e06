"""The programs on the timeline: trade missions, exchanges and joint projects (joined subtypes of Engagement).

``registry`` names each type's model, forms, list and URLs; ``views`` builds every type's list, export,
create, detail, edit and delete pages from it. A type's own package holds its model, forms, operations and
the views of its child rows."""
