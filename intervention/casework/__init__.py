"""The council's work on a notice (evidence, the improvement plan, Board reports) and the decisions on it."""
