"""The network's helplines: the offices of the ambiti (public offices that serve whole ambiti).

A search that finds nothing offers them beside the themes, so that a person who did not find a
service can still ask someone. One database query, whatever the number of offices.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from cms.models import Ambito, Organization


@dataclass(frozen=True)
class Helpline:
    uuid: str
    name: str
    ambiti: list[str]
    phone: str
    email: str
    website: str


def network_helplines() -> list[Helpline]:
    """Published public offices linked to at least one ambito, by ambito name."""
    offices = (
        Organization.objects.public()
        .filter(kind=Organization.Kind.PUBLIC_OFFICE, ambiti__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("ambiti", queryset=Ambito.objects.order_by("name")))
        .order_by("name")
    )
    helplines = [
        Helpline(
            uuid=str(office.uuid),
            name=office.name,
            ambiti=[ambito.name for ambito in office.ambiti.all()],
            phone=office.phone,
            email=office.email,
            website=office.website,
        )
        for office in offices
    ]
    return sorted(helplines, key=lambda line: (line.ambiti[:1], line.name))
