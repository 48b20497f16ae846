"""Tables on small screens: each scrolls inside its own labelled, focusable region.

The browser test (tests/e2e/test_small_screens.py) checks every page at 375 px; these check the
template tag that makes the region, and that no table in the templates is left without one.
"""

import re
from pathlib import Path

from django.template import Context, Template

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TAGS = re.compile(r"{%\s*(table_region|endtable_region)\b|<table\b")


def test_a_table_region_is_a_labelled_focusable_scrolling_box():
    html = Template(
        '{% load tables %}{% table_region label %}<table class="govuk-table"></table>{% endtable_region %}'
    ).render(Context({"label": "Deadlines <of> the notice"}))
    assert html == (
        '<div class="app-table-scroll" tabindex="0" role="region"'
        ' aria-label="Deadlines &lt;of&gt; the notice"><table class="govuk-table"></table></div>'
    )


def test_a_table_region_takes_a_translated_label():
    html = Template('{% load tables %}{% table_region _("History") %}{% endtable_region %}').render(Context())
    assert 'aria-label="History"' in html


def test_every_table_in_the_templates_is_inside_a_table_region():
    unwrapped = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        if 'class="app-table-scroll"' in text:  # the box without its label and focus
            unwrapped.append(str(path.relative_to(TEMPLATES)))
        depth = 0
        for match in TAGS.finditer(text):
            if match.group(1) == "table_region":
                depth += 1
            elif match.group(1) == "endtable_region":
                depth -= 1
            elif depth == 0:
                unwrapped.append(str(path.relative_to(TEMPLATES)))
    assert unwrapped == [], "tables outside {% table_region %}: " + ", ".join(unwrapped)
