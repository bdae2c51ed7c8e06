"""The reports people are required to file: the annual report to the council (PDF and XLSX), the
post-mission report and the award-entry draft."""
