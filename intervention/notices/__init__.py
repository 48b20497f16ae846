"""An issued notice: its pages, the Ministers' own duties under s151(3), closing, withdrawing, escalating."""
