"""A table that scrolls inside its own box on a narrow screen, rather than the whole page.

    {% load tables %}
    {% table_region _("Requirements") %}<table class="govuk-table">...</table>{% endtable_region %}

The box is a labelled region that takes keyboard focus, so someone without a mouse can scroll it
with the arrow keys and a screen reader announces what it holds (axe: scrollable-region-focusable).
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class TableRegionNode(template.Node):
    def __init__(self, labels, nodelist):
        self.labels = labels
        self.nodelist = nodelist

    def render(self, context):
        # Two tables in one page are two landmarks: each label must be unique (axe: landmark-unique).
        parts = [str(label.resolve(context)) for label in self.labels]
        return format_html(
            '<div class="app-table-scroll" tabindex="0" role="region" aria-label="{}">{}</div>',
            ": ".join(part for part in parts if part),
            self.nodelist.render(context),
        )


@register.tag
def table_region(parser, token):
    """Wrap a table in a scrolling region named by its arguments (strings, `_("...")` or variables).

    More than one argument names the region by all of them, "Section: table", leaving out empty ones.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the region's label.")
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode([parser.compile_filter(bit) for bit in bits[1:]], nodelist)
