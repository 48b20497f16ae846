"""Request and upload limits, file storage and security headers (imported by base)."""
