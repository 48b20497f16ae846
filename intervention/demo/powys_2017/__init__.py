"""The Powys County Council children's services case, 2017-2020, as the demo data.

Told from the sources shared/domain.md names (Part A and section 4), the warning notice of
17 October 2017 (shared/reference/powys-2017-warning-notice.txt) and the statements and pages
they link to. Every event goes through the services, as the person who acted would have, so the
history and the transition log read as if people had done it; each carries its date (to the
day, to the month, or "not evidenced" where no source gives one), its source and how sure that
source is (V verified, R reported). Nothing is dated, or shown late, beyond what the sources say.

What the demo records, by day: see `steps()` (steps.py). What it could not record:
- the addendum to the follow-up notice (16 April 2018): its terms are not in the sources, and
  the tracker cannot issue an addendum with no requirement or variation in it, so it is a sourced
  case event, not a notice;
- the follow-up notice's own text: its requirements, compliance date and minded-to words are
  taken from the Minister's statements and, marked "(reported)", the press; its grounds are not
  in the sources (recorded as ground 3, the ground the reported words describe);
- the days of the site visits (the sources give the weeks), the laying of each notice, and
  when the Board, the interim Director and other steps were in place (not evidenced, with the
  latest day a source shows them done by where there is one).

`steps()` gives each event with the day it belongs to, so a test can replay the case day by day;
`load()` records them all at once, and changes nothing if the case is already there.
"""

from .notices import CASE_TITLE
from .people import DEMO_PASSWORD, DEMO_USERS, ensure_reference_history, ensure_users
from .steps import Step, load, steps
from .texts import REQUIREMENTS

__all__ = [
    "CASE_TITLE",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "REQUIREMENTS",
    "Step",
    "ensure_reference_history",
    "ensure_users",
    "load",
    "steps",
]
