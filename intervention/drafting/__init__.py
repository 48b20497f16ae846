"""Drafting a warning notice with the contents s151(2) demands, previewing it, and issuing it."""
