"""The reference data of ss152-161 and of the routes to the power to intervene, in one place.

What ss152-161 say beyond the start of s152 was not read in a public source (shared/domain.md,
section 1.4): every row is marked unverified, with its source, until an administrator checks it
against legislation.gov.uk and edits it. The route without a warning notice is off.

Loaded by migration 0011 (with the historical models) and, where the rows are missing (a test
database flushed by a transactional test), by `ensure_reference_data`.
"""

from django.utils import timezone

PART_8 = "https://www.legislation.gov.uk/anaw/2014/4/part/8"
ACT = "Social Services and Well-being (Wales) Act 2014"
DOMAIN = (
    "Expected content, not read in the Act: shared/domain.md section 1.4 (the model is s497A Education "
    "Act 1996; the Welsh Government's statements call them \"the methods of intervention provided for "
    'under sections 152-161"). Confirm at ' + PART_8
)

PROVISIONS = [
    (
        "SSWBA-s152",
        "s152",
        "Power of Welsh Ministers to intervene",
        "The power to intervene in the exercise of social services functions by a local authority. "
        'Read only as far as "(1) The Welsh Ministers have the power to intervene under this Part in '
        'the exercise of social services functions by a local authority if subsection (2) ...". '
        "Expected: it arises once a warning notice was given, the compliance period has ended and the "
        "council has not taken the required action, and lasts until the Ministers notify the council "
        "in writing that it has ended.",
        "",
    ),
    (
        "SSWBA-s153",
        "s153",
        "Power to require local authority to obtain advisory services",
        "The Ministers may direct the council to obtain advisory services, for example by contracting "
        "an adviser.",
        "advisory_services",
    ),
    (
        "SSWBA-s154",
        "s154",
        "Power to direct specified action",
        "The Ministers may direct the council to take the action the direction specifies.",
        "specified_action",
    ),
    (
        "SSWBA-s155",
        "s155",
        "Power to direct that function be performed by the Welsh Ministers or their nominee",
        "The Ministers may direct that a social services function be performed by them or by a "
        "person they nominate, for the period the direction sets.",
        "performed_by_ministers",
    ),
    (
        "SSWBA-s156",
        "s156",
        "Directions under section 155: further provision",
        "Further provision for a direction under s155: the council's co-operation, access to premises "
        "and documents, and costs.",
        "further_provision",
    ),
    (
        "SSWBA-s157-161",
        "ss157-161",
        "Supplementary and general provisions on directions",
        "Supplementary and general provisions, for example that directions are in writing, can be "
        "varied or revoked, and are enforceable by mandatory order. Exact headings unconfirmed.",
        "",
    ),
]


def _create(model, **fields):
    """Create a row without simple-history's own first row: seed() writes that row itself.

    With the real models (ensure_reference_data) simple-history would add a second "+" row, dated
    a moment after seed's, and the history would be out of order (manage.py verify_audit).
    """
    obj = model(**fields)
    obj.skip_history_when_saving = True
    obj.save()
    del obj.skip_history_when_saving
    return obj


def seed(Provision, PowerRoute, HistoricalProvision, HistoricalPowerRoute) -> None:  # noqa: N803
    """Create the rows with their first history rows, using the models given (real or historical)."""
    now = timezone.now()
    made = {}
    for code, section, heading, description, kind in PROVISIONS:
        provision = _create(
            Provision,
            code=code,
            section=section,
            act=ACT,
            heading=heading,
            description=description,
            direction_kind=kind,
            url=PART_8,
            source=DOMAIN,
            confidence="U",
        )
        made[code] = provision
        HistoricalProvision.objects.create(
            id=provision.pk,
            code=code,
            section=section,
            act=ACT,
            heading=heading,
            description=description,
            direction_kind=kind,
            url=PART_8,
            source=DOMAIN,
            confidence="U",
            history_date=now,
            history_type="+",
            history_change_reason="reference data",
        )
    routes = [
        (
            "after-warning-notice",
            "After a warning notice",
            "The power arises after a warning notice was given, its compliance period has ended, and the "
            "council has not taken the required action.",
            True,
            True,
            "shared/domain.md section 1.4: the expected content of s152(2); the parallel Welsh scheme of "
            "the same year (Housing (Wales) Act 2014 s119 and its notes) reads the same way. " + PART_8,
        ),
        (
            "without-warning-notice",
            "Without a warning notice (urgency)",
            "Whether s152 has a route to the power that does not need a warning notice (for urgency) is "
            "unverified. Switch this on only once the Act has been read, with the source.",
            False,
            False,
            "",
        ),
    ]
    for code, name, description, requires, enabled, source in routes:
        route = _create(
            PowerRoute,
            code=code,
            name=name,
            description=description,
            provision=made["SSWBA-s152"],
            requires_warning_notice=requires,
            enabled=enabled,
            source=source,
            confidence="U",
        )
        HistoricalPowerRoute.objects.create(
            id=route.pk,
            code=code,
            name=name,
            description=description,
            provision_id=made["SSWBA-s152"].pk,
            requires_warning_notice=requires,
            enabled=enabled,
            source=source,
            confidence="U",
            history_date=now,
            history_type="+",
            history_change_reason="reference data",
        )


def ensure_reference_data() -> None:
    """Create the reference rows if none are there (an administrator's edits are never overwritten)."""
    from intervention.models import PowerRoute, Provision

    if PowerRoute.objects.exists() or Provision.objects.exists():
        return
    seed(Provision, PowerRoute, Provision.history.model, PowerRoute.history.model)
