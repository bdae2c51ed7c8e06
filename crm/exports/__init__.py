"""Every list, downloaded as CSV or XLSX with the reader's filters and in the reader's language.

writers.py turns column definitions and rows into files and download
responses; columns.py says which columns each list exports.
"""
