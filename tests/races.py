"""Races settled by a unique index, proven with two real PostgreSQL connections."""
import threading

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError


def second_insert_waits_then_is_refused(engine, table, row: dict, *, wait: float = 10) -> None:
    """Two connections insert the same row: the second waits on the first's uncommitted entry in the unique
    index (the database, not the application, decides), and is refused once the first commits."""
    outcome = {}
    first = engine.connect()
    first_tx = first.begin()
    first.execute(insert(table).values(**row))

    def second():
        with engine.connect() as conn:
            try:
                with conn.begin():
                    conn.execute(insert(table).values(**row))
                outcome["second"] = "inserted"
            except IntegrityError:
                outcome["second"] = "refused"

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(0.5)
    assert racer.is_alive()  # waiting on the first transaction's entry in the unique index
    first_tx.commit()
    first.close()
    racer.join(wait)
    assert outcome == {"second": "refused"}
