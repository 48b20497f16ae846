"""Private calendar feeds of deadlines (iCalendar), for calendar apps that cannot sign in."""
