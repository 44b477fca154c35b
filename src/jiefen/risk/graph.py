"""The contact graph of borrowers and guarantors (关联借款人团伙 rule).

Nodes are parties (defendants and guarantors); two parties are joined when they share a mobile
(the blind index of the contact, never the clear number), an address (the blind index of an
address contact or of the normalised domicile) or an employer (the normalised name, ignoring
blanks, placeholders such as 无 / 个体 / 自由职业 and the claimant institutions themselves).

A value shared only by the parties of one case (a borrower and their spouse or guarantor) joins
nobody: co-parties of one case are expected to share a home or a phone. Each shared value joins
its parties as a star from the first of them, so a value shared by k parties adds k - 1 edges
(the components are the same as with every pair joined, and 100,000 cases build in seconds).

`clusters(graph)` returns the connected components of at least `MIN_PARTIES` parties whose
cases include at least `MIN_CASES` with pairwise different defendants (counted greedily in case
id order): rings of unrelated loans, not one family's several loans.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from django.db.models import QuerySet

from jiefen.accounts.models import Organisation, OrganisationKind
from jiefen.cases.models import Case, CaseParty, Contact, ContactKind, Party, PartyRole
from jiefen.privacy import contact_index

# A ring is at least three people: two sharing a phone is a couple as often as a fraud.
MIN_PARTIES = 3
# ... behind at least three loans of different borrowers (one borrower's loans are one debt story).
MIN_CASES = 3
# Employer entries that name no employer (they would join every self-employed borrower).
PLACEHOLDER_EMPLOYERS = frozenset(
    {
        "无",
        "无业",
        "待业",
        "个体",
        "个体户",
        "个体经营",
        "自由职业",
        "自由职业者",
        "退休",
        "务农",
        "学生",
    }
)

MOBILE, ADDRESS, EMPLOYER = "mobile", "address", "employer"


@dataclass
class Shared:
    """One value the parties of a cluster share: its kind, its key (blind index or employer
    name) and the cluster's parties that share it."""

    kind: str
    key: str
    parties: list[int]


@dataclass
class Cluster:
    parties: list[int]
    cases: list[int]
    independent_cases: int
    shared: list[Shared] = field(default_factory=list)

    @property
    def shared_mobiles(self) -> int:
        return sum(1 for s in self.shared if s.kind == MOBILE)

    @property
    def score(self) -> int:
        """parties + 2 × shared mobiles: a phone in common weighs more than a street."""
        return len(self.parties) + 2 * self.shared_mobiles


def normalise_employer(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


def contact_graph(cases: QuerySet[Case] | None = None) -> nx.Graph:
    """The graph of the parties of `cases` (all cases when None), built in a few set queries."""
    links = CaseParty.objects.filter(role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR])
    if cases is not None:
        links = links.filter(case__in=cases.values("pk"))
    cases_of: dict[int, set[int]] = defaultdict(set)
    defendants: dict[int, set[int]] = defaultdict(set)
    for case_id, party_id, role in links.values_list("case_id", "party_id", "role").iterator(
        chunk_size=5000
    ):
        cases_of[party_id].add(case_id)
        if role == PartyRole.DEFENDANT:
            defendants[case_id].add(party_id)

    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    party_ids = set(cases_of)
    contacts = Contact.objects.filter(kind__in=[ContactKind.MOBILE, ContactKind.ADDRESS]).exclude(
        value_index=""
    )
    if cases is not None:
        contacts = contacts.filter(party_id__in=links.values("party_id"))
    for party_id, kind, index in contacts.values_list("party_id", "kind", "value_index").iterator(
        chunk_size=5000
    ):
        if party_id in party_ids:
            groups[(kind, index)].add(party_id)
    ignored = PLACEHOLDER_EMPLOYERS | {
        normalise_employer(name)
        for name in Organisation.objects.filter(kind=OrganisationKind.INSTITUTION).values_list(
            "name", flat=True
        )
    }
    parties = Party.objects.filter(pk__in=links.values("party_id")) if cases is not None else None
    for party_id, employer, domicile in (
        (parties if parties is not None else Party.objects.all())
        .values_list("id", "employer", "domicile")
        .iterator(chunk_size=5000)
    ):
        if party_id not in party_ids:
            continue
        if domicile:
            groups[(ADDRESS, contact_index(ADDRESS, domicile))].add(party_id)
        name = normalise_employer(employer)
        if name and name not in ignored:
            groups[(EMPLOYER, name)].add(party_id)

    graph = nx.Graph(defendants=dict(defendants))
    graph.add_nodes_from((p, {"cases": cs}) for p, cs in cases_of.items())
    for key, members in groups.items():
        if len(members) < 2:
            continue
        ordered = sorted(members)
        if set.intersection(*(cases_of[p] for p in ordered)):
            continue  # only the co-parties of one case share it
        hub = ordered[0]
        for other in ordered[1:]:
            if graph.has_edge(hub, other):
                graph[hub][other]["shared"].append(key)
            else:
                graph.add_edge(hub, other, shared=[key])
    return graph


def _independent(case_ids: list[int], defendants: dict[int, set[int]]) -> int:
    """How many of the cases have pairwise different defendants (greedy, in id order)."""
    taken: set[int] = set()
    count = 0
    for case_id in case_ids:
        people = defendants.get(case_id, set())
        if people and not people & taken:
            taken |= people
            count += 1
    return count


def clusters(graph: nx.Graph) -> list[Cluster]:
    """The components that are rings (see the module docstring), largest first."""
    defendants: dict[int, set[int]] = graph.graph.get("defendants", {})
    found: list[Cluster] = []
    for component in nx.connected_components(graph):
        if len(component) < MIN_PARTIES:
            continue
        case_ids = sorted(set().union(*(graph.nodes[p]["cases"] for p in component)))
        independent = _independent(case_ids, defendants)
        if independent < MIN_CASES:
            continue
        members: dict[tuple[str, str], set[int]] = defaultdict(set)
        for a, b, shared in graph.subgraph(component).edges(data="shared"):
            for key in shared:
                members[key].update((a, b))
        found.append(
            Cluster(
                parties=sorted(component),
                cases=case_ids,
                independent_cases=independent,
                shared=[
                    Shared(kind, key, sorted(ps))
                    for (kind, key), ps in sorted(members.items(), key=lambda kv: -len(kv[1]))
                ],
            )
        )
    found.sort(key=lambda c: (-c.score, c.parties[0]))
    return found
