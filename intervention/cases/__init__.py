"""An intervention case: opening it, closing it by a dated ministerial decision, and its pages."""
