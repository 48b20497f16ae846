"""Search across inspections, findings, notices and requirements, scoped like every list."""
