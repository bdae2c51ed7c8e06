"""How much of a spreadsheet is read: rows, cells, characters in a cell, unpacked XLSX size and time.

A small hostile file must not take a worker for minutes or all its memory: reading stops at the first
limit passed, and the user is told which one (in their language) and what to do.
"""
import time
from dataclasses import dataclass

from flask import current_app, has_app_context

DEFAULTS = {"IMPORT_MAX_ROWS": 100_000, "IMPORT_MAX_CELLS": 1_000_000, "IMPORT_MAX_CELL_CHARS": 2000,
            "IMPORT_MAX_UNPACKED_MB": 100, "IMPORT_READ_SECONDS": 15.0}


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; the message says why in the user's words."""


@dataclass
class ReadingBudget:
    max_rows: int
    max_cells: int
    max_cell_chars: int
    max_unpacked_mb: int
    seconds: float
    rows: int = 0
    cells: int = 0
    started: float = 0.0

    @classmethod
    def from_config(cls) -> "ReadingBudget":
        config = current_app.config if has_app_context() else {}
        values = [config.get(name, default) for name, default in DEFAULTS.items()]
        return cls(*values, started=time.monotonic())

    def take(self, row: list[str], row_number: int) -> None:
        """Count one row read (row_number as the user's spreadsheet shows it); refuse past a limit."""
        from flask_babel import format_decimal, ngettext

        if time.monotonic() - self.started > self.seconds:
            raise UnreadableFile(ngettext("Reading the file took longer than %(num)d second; split it into smaller "
                                          "files.", "Reading the file took longer than %(num)d seconds; split it "
                                          "into smaller files.", round(self.seconds)))
        if not any(row):  # blank rows are left out, and not counted (the time limit still bounds them)
            return
        self.rows += 1
        self.cells += len(row)
        if self.rows > self.max_rows + 1:  # the header row is not counted
            raise UnreadableFile(ngettext("The file has more than %(count)s row; split it into smaller files.",
                                          "The file has more than %(count)s rows; split it into smaller files.",
                                          self.max_rows, count=format_decimal(self.max_rows)))
        if self.cells > self.max_cells:
            raise UnreadableFile(ngettext("The file has more than %(count)s cell; split it into smaller files.",
                                          "The file has more than %(count)s cells; split it into smaller files.",
                                          self.max_cells, count=format_decimal(self.max_cells)))
        if any(len(cell) > self.max_cell_chars for cell in row):
            raise UnreadableFile(ngettext("A cell in row %(row)d is longer than %(count)s character; shorten it.",
                                          "A cell in row %(row)d is longer than %(count)s characters; shorten it.",
                                          self.max_cell_chars, row=row_number,
                                          count=format_decimal(self.max_cell_chars)))
