"""The indexes that make substring search fast on PostgreSQL."""
from sqlalchemy import Index


def trigram_index(name: str, *columns: str) -> Index:
    """A GIN trigram index (pg_trgm) serving ILIKE '%…%' on each of these columns.

    Trigrams work for any script, CJK included, since they need no word
    boundaries. PostgreSQL only: SQLite gets no index (the migration creates
    none there), and its fallback search scans, which is fine at its scale.
    """
    return Index(name, *columns, postgresql_using="gin",
                 postgresql_ops={column: "gin_trgm_ops" for column in columns}).ddl_if(dialect="postgresql")
