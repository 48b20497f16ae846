"""Escalating serious matters to a council's senior people and Welsh Government, and acknowledging them."""
