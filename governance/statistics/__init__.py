"""The statistics of a department and a year: figures (SQL aggregates), masking, and one
presentation (labels, months, tables, charts) rendered as the page, the CSV/XLSX exports and the
bilan PDF."""
