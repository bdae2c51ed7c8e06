"""Local copies of stored objects, for what can read only files: the PDF workers (separate processes, which
read emblems from a folder and the files a PDF/A embeds from their paths)."""
import os
import secrets
import shutil
from pathlib import Path

from crm.storage.base import Store
from crm.storage.local import CHUNK


def copy_out(store: Store, key: str, path: Path) -> bool:
    """Copy a committed row's object to path (whole or not at all: written beside it, then renamed); False
    when the store has no such object."""
    try:
        opened = store.open_committed(key)
    except FileNotFoundError:
        return False
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        with opened, open(temporary, "xb") as out:
            shutil.copyfileobj(opened.stream, out, CHUNK)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return True
