"""What intervention does when something happens in another app, without that app knowing."""

from django.dispatch import receiver

from inspections.signals import inspection_published

from .escalations import services as escalation_services


@receiver(inspection_published, dispatch_uid="intervention.escalate_serious_findings")
def escalate_serious_findings_on_publication(sender, inspection, by=None, **kwargs) -> None:
    """A published report's serious concerns are put before the council's senior people at once."""
    escalation_services.escalate_serious_findings(inspection=inspection, by=by)
