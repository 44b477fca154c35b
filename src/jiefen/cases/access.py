"""Who may see what (rule 4 of the architecture; the table is docs/access.md).

This module is the only code that scopes objects by role. Every page, API endpoint, download,
ZIP and Word copy asks it:

- `visible_cases(user)` decides the cases; every per-case object (mediation, offer, agreement,
  instalment plan, enforcement draft, document) is visible exactly when its case is, so the
  stages cannot disagree;
- `visible_series`, `visible_filing_jobs`, `visible_batches` and `visible_rules` scope the
  objects that gather many cases (a series, a filing job, an intake batch, a settlement rule);
- `visible_documents(user, case)` adds the one rule inside a case: a party (被告/担保人)
  sees the documents addressed to them and the case-wide ones, never a co-defendant's notices;
- the `*_for(user, id)` functions return one object or raise the same Http404 for a missing and
  a forbidden object, so nothing leaks which ids exist;
- `desk(user, name)` says which staff desks (mediation centre, filing desk) a role may open.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.models import Case, CaseParty, Party, PartyRole, Series
from jiefen.docket.models import FilingJob
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.enforcement.models import (
    Application,
    Asset,
    Enforcement,
    Inquiry,
    Measure,
    MeasureKind,
    Receipt,
)
from jiefen.hearings.models import (
    Agent,
    Answer,
    Finding,
    Hearing,
    HearingSession,
    Transcript,
    TranscriptSignature,
)
from jiefen.intake.models import Batch
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.mediation.models import (
    Agreement,
    EnforcementDraft,
    InstalmentPlan,
    MediationCase,
    Offer,
    SettlementRule,
)
from jiefen.service.models import Service, ServiceAttempt, ServiceJob

# Views pass `request.user`: a signed-in User, or AnonymousUser who sees nothing.
AnyUser = User | AnonymousUser


def _active(user: object) -> User | None:
    """The user if signed in and active; None otherwise (then nothing is visible)."""
    return user if isinstance(user, User) and user.is_active else None


def visible_cases(who: AnyUser) -> QuerySet[Case]:
    cases = Case.objects.all()
    user = _active(who)
    if user is None:
        return cases.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return cases
        case Role.COURT_PRESIDENT:
            # Court leadership oversees every case of its court (read only: it acts on none).
            return cases.filter(court_id=user.organisation_id)
        case Role.BANK_AGENT:
            return cases.filter(institution_id=user.organisation_id)
        case Role.MEDIATOR:
            return cases.filter(mediator=user)
        case Role.JUDGE:
            return cases.filter(judge=user)
        case Role.CLERK:
            # Assigned to them, waiting for filing at their court (even when a judge already ruled on a
            # confirmation or payment order of it), or filed by them (立案).
            return cases.filter(
                Q(clerk=user)
                | Q(court_id=user.organisation_id, state__in=["awaiting_filing", "screening"])
                | Q(filing__job__requested_by=user)
            )
        case Role.ENFORCEMENT_OFFICER:
            return cases.filter(enforcement_officer=user)
        case Role.NOTARY:
            return cases.filter(notary_office_id=user.organisation_id)
        case Role.DEFENDANT:
            if user.party_id is None:
                return cases.none()
            return cases.filter(case_parties__party_id=user.party_id).distinct()
        case Role.LAWYER:
            # A lawyer sees the cases of the parties they act for (委托诉讼代理人).
            return cases.filter(agents__lawyer=user).distinct()
        case Role.POLICE_LIAISON | Role.PROSECUTOR:
            # A partner agency sees the cases of the referrals sent to it, nothing else (issue 15).
            return cases.filter(pk__in=_referred_case_ids(user))
    return cases.none()


def _of_visible_cases[M: Model](who: AnyUser, qs: QuerySet[M], case_path: str) -> QuerySet[M]:
    """Rows hanging off a case are visible exactly when their case is. A partner agency
    (police, procuratorate) reads a referred case and its documents only: none of the stages'
    working records (mediation, service, hearings, enforcement) comes with it."""
    user = _active(who)
    if user is None or user.role in PARTNER_ROLES:
        return qs.none()
    if user.role == Role.PLATFORM_ADMIN:
        return qs
    return qs.filter(**{f"{case_path}__in": visible_cases(user).values("pk")})


def visible_mediations(who: AnyUser) -> QuerySet[MediationCase]:
    return _of_visible_cases(who, MediationCase.objects.all(), "case")


def visible_offers(who: AnyUser) -> QuerySet[Offer]:
    return _of_visible_cases(who, Offer.objects.all(), "mediation__case")


def visible_agreements(who: AnyUser) -> QuerySet[Agreement]:
    return _of_visible_cases(who, Agreement.objects.all(), "mediation__case")


def visible_plans(who: AnyUser) -> QuerySet[InstalmentPlan]:
    """Instalment plans and their payments (还款入账): those of the user's visible cases."""
    return _of_visible_cases(who, InstalmentPlan.objects.all(), "mediation__case")


def visible_enforcement_drafts(who: AnyUser) -> QuerySet[EnforcementDraft]:
    return _of_visible_cases(who, EnforcementDraft.objects.all(), "mediation__case")


def visible_series(who: AnyUser) -> QuerySet[Series]:
    """A bank its own series, a clerk the series at their court, everyone else the series of
    their visible cases (a mediator's series are those of the cases assigned to them)."""
    series = Series.objects.all()
    user = _active(who)
    if user is None:
        return series.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return series
        case Role.BANK_AGENT:
            return series.filter(institution_id=user.organisation_id)
        case Role.CLERK:
            return series.filter(court_id=user.organisation_id)
        case Role.POLICE_LIAISON | Role.PROSECUTOR:
            # A referral names its cases; the rest of their series stays with the court.
            return series.none()
    return series.filter(pk__in=visible_cases(user).values("series_id"))


def visible_rules(who: AnyUser) -> QuerySet[SettlementRule]:
    """A bank its own standing rules; a mediator those of the institutions of their cases."""
    rules = SettlementRule.objects.all()
    user = _active(who)
    if user is None:
        return rules.none()
    if user.role == Role.PLATFORM_ADMIN:
        return rules
    if user.role == Role.BANK_AGENT:
        return rules.filter(institution_id=user.organisation_id)
    if user.role == Role.MEDIATOR:
        return rules.filter(institution_id__in=visible_cases(user).values("institution_id"))
    return rules.none()


def visible_filing_jobs(who: AnyUser) -> QuerySet[FilingJob]:
    """Filing jobs belong to the court's filing desk: its clerks see them."""
    jobs = FilingJob.objects.all()
    user = _active(who)
    if user is None:
        return jobs.none()
    if user.role == Role.PLATFORM_ADMIN:
        return jobs
    if user.role == Role.CLERK:
        return jobs.filter(court_id=user.organisation_id)
    return jobs.none()


def visible_batches(who: AnyUser) -> QuerySet[Batch]:
    """A bank sees its own intake batches; the court's clerks those sent to it; admins all."""
    batches = Batch.objects.select_related("institution", "court")
    user = _active(who)
    if user is None:
        return batches.none()
    if user.role == Role.PLATFORM_ADMIN:
        return batches
    if user.role == Role.BANK_AGENT:
        return batches.filter(institution_id=user.organisation_id)
    if user.role == Role.CLERK:
        return batches.filter(court_id=user.organisation_id)
    return batches.none()


def visible_documents(who: AnyUser, case: Case | None = None) -> QuerySet[StoredDocument]:
    """Documents of the visible cases (of `case` if given). A party sees those addressed to
    them and the case-wide ones (各方当事人), not a co-defendant's personal notices.

    A partner agency sees every document of the cases referred to it (the evidence the court
    sends, 法释〔1998〕7号 Art. 11) and the referral letters (移送函) addressed to it. The
    letter is between the court and the agency: the parties' side (the claimant, a party,
    their lawyer) never sees it — the parties learn of the referral from the ruling.
    """
    user = _active(who)
    if user is not None and user.role in PARTNER_ROLES:
        docs = StoredDocument.objects.filter(
            Q(case_id__in=visible_cases(user).values("pk"))
            | Q(pk__in=visible_referrals(user).exclude(letter=None).values("letter_id"))
        )
    else:
        docs = _of_visible_cases(who, StoredDocument.objects.exclude(case=None), "case")
    if case is not None:
        docs = docs.filter(case_id=case.pk)
    if user is not None and user.role in _PARTIES_SIDE:
        docs = docs.exclude(kind=REFERRAL_LETTER)
    if user is not None and user.role == Role.DEFENDANT:
        docs = docs.filter(
            Q(party_id=user.party_id) | Q(party__isnull=True, recipient_role=RecipientRole.PARTIES)
        )
    return docs


def visible_services(who: AnyUser) -> QuerySet[Service]:
    """The service (送达) of a case is visible exactly when its case is; a party sees only the
    services on themselves (never a co-defendant's addresses or attempts)."""
    services = _of_visible_cases(who, Service.objects.all(), "case")
    user = _active(who)
    if user is not None and user.role == Role.DEFENDANT:
        services = services.filter(party_id=user.party_id or 0)
    return services


def visible_attempts(who: AnyUser) -> QuerySet[ServiceAttempt]:
    return ServiceAttempt.objects.filter(service__in=visible_services(who).values("pk"))


def visible_service_jobs(who: AnyUser) -> QuerySet[ServiceJob]:
    """Service jobs (批量送达) belong to the court's service desk: its clerks and judges."""
    jobs = ServiceJob.objects.all()
    user = _active(who)
    if user is None:
        return jobs.none()
    if user.role == Role.PLATFORM_ADMIN:
        return jobs
    if user.role in (Role.CLERK, Role.JUDGE):
        return jobs.filter(court_id=user.organisation_id)
    return jobs.none()


def visible_sessions(who: AnyUser) -> QuerySet[HearingSession]:
    """Hearing sessions: the court's judges and clerks see their court's calendar; anyone else
    the sessions of the hearings of their visible cases."""
    sessions = HearingSession.objects.all()
    user = _active(who)
    if user is None:
        return sessions.none()
    if user.role == Role.PLATFORM_ADMIN:
        return sessions
    if user.role in (Role.CLERK, Role.JUDGE):
        return sessions.filter(court_id=user.organisation_id)
    return sessions.filter(hearings__in=visible_hearings(user).values("pk")).distinct()


def visible_hearings(who: AnyUser) -> QuerySet[Hearing]:
    return _of_visible_cases(who, Hearing.objects.all(), "case")


def visible_answers(who: AnyUser) -> QuerySet[Answer]:
    """Answers of visible cases; a party sees only their own, a lawyer those of the parties
    they act for (not a co-defendant's)."""
    answers = _of_visible_cases(who, Answer.objects.all(), "case")
    user = _active(who)
    if user is not None and user.role == Role.DEFENDANT:
        answers = answers.filter(party_id=user.party_id or 0)
    if user is not None and user.role == Role.LAWYER:
        answers = answers.filter(party__agents__lawyer=user, case__agents__lawyer=user).distinct()
    return answers


# The judge's working record (findings, transcript drafts) belongs to the court until decided.
_COURT_RECORD = frozenset({Role.JUDGE, Role.CLERK, Role.PLATFORM_ADMIN})


def visible_agents(who: AnyUser) -> QuerySet[Agent]:
    """Appointed lawyers (委托诉讼代理人) of visible cases; a lawyer sees their own appointments."""
    agents = _of_visible_cases(who, Agent.objects.all(), "case")
    user = _active(who)
    if user is not None and user.role == Role.LAWYER:
        agents = agents.filter(lawyer=user)
    return agents


def own_signatures(who: AnyUser) -> QuerySet[TranscriptSignature]:
    """The transcript signatures the signed-in user gives (on the court's terminal, for the
    participants the codes went to)."""
    user = _active(who)
    if user is None:
        return TranscriptSignature.objects.none()
    return TranscriptSignature.objects.filter(user=user)


def courts() -> QuerySet[Organisation]:
    """The courts on the platform: public reference data (a calendar may show any of them)."""
    return Organisation.objects.filter(kind=OrganisationKind.COURT)


def visible_findings(who: AnyUser) -> QuerySet[Finding]:
    user = _active(who)
    if user is None or user.role not in _COURT_RECORD:
        return Finding.objects.none()
    return _of_visible_cases(user, Finding.objects.all(), "case")


def visible_transcripts(who: AnyUser) -> QuerySet[Transcript]:
    """Transcripts: the court's staff; the parties and their lawyers, to read and sign them."""
    return _of_visible_cases(who, Transcript.objects.all(), "hearing__case")


def visible_judgments(who: AnyUser) -> QuerySet[Judgment]:
    """Decisions of visible cases; outside the court only once pronounced (never a draft)."""
    judgments = _of_visible_cases(who, Judgment.objects.all(), "case")
    user = _active(who)
    if user is not None and user.role not in _COURT_RECORD:
        judgments = judgments.exclude(state__in=[DecisionState.DRAFT, DecisionState.SIGNED])
    return judgments


def visible_applications(who: AnyUser) -> QuerySet[Application]:
    """Enforcement applications (执行申请) of visible cases."""
    return _of_visible_cases(who, Application.objects.all(), "case")


def visible_enforcements(who: AnyUser) -> QuerySet[Enforcement]:
    """Enforcement cases (执 / 执恢) of visible cases: the officer's own, the creditor's, the
    debtor's own."""
    return _of_visible_cases(who, Enforcement.objects.all(), "case")


def visible_inquiries(who: AnyUser) -> QuerySet[Inquiry]:
    return _of_visible_cases(who, Inquiry.objects.all(), "enforcement__case")


def visible_assets(who: AnyUser) -> QuerySet[Asset]:
    """Assets found by the inquiries: court staff and the creditor see them (the creditor acts
    on them, e.g. applies for deduction); a debtor sees only their own."""
    assets = _of_visible_cases(who, Asset.objects.all(), "enforcement__case")
    user = _active(who)
    if user is not None and user.role == Role.DEFENDANT:
        assets = assets.filter(party_id=user.party_id or 0)
    return assets


def visible_measures(who: AnyUser) -> QuerySet[Measure]:
    return _of_visible_cases(who, Measure.objects.all(), "enforcement__case")


def visible_receipts(who: AnyUser) -> QuerySet[Receipt]:
    return _of_visible_cases(who, Receipt.objects.all(), "enforcement__case")


def public_dishonest_entries() -> QuerySet[Measure]:
    """The dishonest-debtor list as published (失信被执行人名单公布): current entries only, never
    a deleted one (SPC dishonest-list provisions Arts. 7, 10)."""
    return Measure.objects.filter(kind=MeasureKind.DISHONEST_LISTING, lifted_on=None)


def _one[M: Model](qs: QuerySet[M], pk: object, message: str) -> M:
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


def case_for(who: AnyUser, case_id: object) -> Case:
    return _one(visible_cases(who), case_id, "案件不存在或无权查看")


def series_for(who: AnyUser, series_id: object) -> Series:
    return _one(
        visible_series(who).select_related("institution"), series_id, "系列案不存在或无权查看"
    )


def offer_for(who: AnyUser, offer_id: object) -> Offer:
    return _one(
        visible_offers(who).select_related("mediation__case"), offer_id, "方案不存在或无权查看"
    )


def mediation_for(who: AnyUser, case_id: object) -> MediationCase:
    """The mediation of a visible case (404 if the case has none)."""
    case = case_for(who, case_id)
    m = MediationCase.objects.filter(case=case).first()
    if m is None:
        raise Http404("本案没有诉前调解")
    m.case = case
    return m


def document_for(who: AnyUser, document_id: object) -> StoredDocument:
    return _one(visible_documents(who).select_related("case"), document_id, "文书不存在或无权查看")


def filing_job_for(who: AnyUser, job_id: object) -> FilingJob:
    return _one(
        visible_filing_jobs(who).select_related("series", "series__institution"),
        job_id,
        "立案任务不存在或无权查看",
    )


def service_for(who: AnyUser, service_id: object) -> Service:
    return _one(
        visible_services(who).select_related("case", "party", "packet"),
        service_id,
        "送达记录不存在或无权查看",
    )


def attempt_for(who: AnyUser, attempt_id: object) -> ServiceAttempt:
    return _one(
        visible_attempts(who).select_related("service__case", "service__party"),
        attempt_id,
        "送达记录不存在或无权查看",
    )


def service_job_for(who: AnyUser, job_id: object) -> ServiceJob:
    return _one(
        visible_service_jobs(who).select_related("series", "series__institution"),
        job_id,
        "送达任务不存在或无权查看",
    )


def session_for(who: AnyUser, session_id: object) -> HearingSession:
    return _one(
        visible_sessions(who).select_related("courtroom", "judge", "series"),
        session_id,
        "庭审场次不存在或无权查看",
    )


def hearing_for(who: AnyUser, hearing_id: object) -> Hearing:
    return _one(
        visible_hearings(who).select_related("case", "session", "session__courtroom"),
        hearing_id,
        "庭审不存在或无权查看",
    )


def answer_for(who: AnyUser, answer_id: object) -> Answer:
    return _one(
        visible_answers(who).select_related("case", "party"), answer_id, "答辩不存在或无权查看"
    )


def judgment_for(who: AnyUser, judgment_id: object) -> Judgment:
    return _one(visible_judgments(who).select_related("case"), judgment_id, "文书不存在或无权查看")


def enforcement_for(who: AnyUser, enforcement_id: object) -> Enforcement:
    return _one(
        visible_enforcements(who).select_related("case", "officer", "case__institution"),
        enforcement_id,
        "执行案件不存在或无权查看",
    )


def application_for(who: AnyUser, application_id: object) -> Application:
    return _one(
        visible_applications(who).select_related("case"),
        application_id,
        "执行申请不存在或无权查看",
    )


def batch_for(who: AnyUser, batch_id: object) -> Batch:
    return _one(visible_batches(who), batch_id, "批次不存在或无权查看")


# --- publication (裁判文书公开): written by the publication stage ---

from jiefen.publication.models import Publication  # noqa: E402  (kept with the section it serves)


def visible_publications(who: AnyUser) -> QuerySet[Publication]:
    """Publications of the user's visible judgments (the court's clerks and judges review
    them at the publication desk)."""
    return _of_visible_cases(
        who, Publication.objects.select_related("judgment__case__court"), "judgment__case"
    )


def publication_for(who: AnyUser, publication_id: object) -> Publication:
    return _one(visible_publications(who), publication_id, "公开文书不存在或无权查看")


def public_publication_for(publication_id: object) -> Publication:
    """A released judgment as anyone may read it (no login); anything else does not exist."""
    from jiefen.publication.selectors import released

    return _one(released(), publication_id, "文书不存在")


# --- end publication ---

# --- risk (风险预警): written by the risk stage ---

from jiefen.risk.models import Warning as RiskWarning  # noqa: E402  (kept with its section)


def visible_warnings(who: AnyUser) -> QuerySet[RiskWarning]:
    """Risk warnings: the centre sees all; a court president those that touch the court — a
    case at the court, an institution that sues there, a firm of the court's district; a bank
    agent the fraud warnings about its own borrowers."""
    warnings = RiskWarning.objects.select_related("institution", "assignee")
    user = _active(who)
    if user is None:
        return warnings.none()
    if user.role == Role.PLATFORM_ADMIN:
        return warnings
    if user.role == Role.COURT_PRESIDENT and user.organisation_id:
        court = Case.objects.filter(court_id=user.organisation_id)
        division = user.organisation.division_code if user.organisation else ""
        touching = Q(cases__in=court.values("pk")) | Q(
            institution_id__in=court.values("institution_id")
        )
        if division:
            touching |= Q(division_code=division)
        return warnings.filter(pk__in=RiskWarning.objects.filter(touching).values("pk"))
    if user.role == Role.BANK_AGENT and user.organisation_id:
        # A bank sees the fraud warnings about its own borrowers (issue 15), to act on them in
        # its intervention tasks; never another kind (the risk desk stays the court's).
        return warnings.filter(kind__in=FRAUD_WARNING_KINDS, institution_id=user.organisation_id)
    return warnings.none()


def warning_for(who: AnyUser, warning_id: object) -> RiskWarning:
    return _one(visible_warnings(who), warning_id, "预警不存在或无权查看")


def may_handle_warning(who: AnyUser) -> bool:
    """Whether the user's role may assign, handle and close warnings (risk.handle)."""
    user = _active(who)
    return user is not None and role_refusal(user, "risk.handle") is None


# --- end risk ---

# --- legal services (法律服务): written by the legal-services stage ---

from jiefen.legal_services.models import LegalRequest  # noqa: E402  (kept with its section)


def is_pool_lawyer(who: AnyUser) -> bool:
    """A signed-in mediator of a lawyer pool (律师调解工作室): who answers legal requests."""
    user = _active(who)
    return (
        user is not None
        and user.role == Role.MEDIATOR
        and user.organisation is not None
        and user.organisation.mediation_kind == "lawyer_pool"
    )


def may_use_legal_services(who: AnyUser) -> bool:
    """Whether the legal-services desk is the user's (its nav link): its desk roles, but a
    mediator only when they sit in a lawyer pool."""
    user = _active(who)
    return (
        user is not None
        and may_open(user, "legal_services")
        and (user.role != Role.MEDIATOR or is_pool_lawyer(user))
    )


def owns_legal_request(who: AnyUser, request: LegalRequest) -> bool:
    """The request is the user's institution's own (its agent follows it up and closes it)."""
    user = _active(who)
    return (
        user is not None
        and user.role == Role.BANK_AGENT
        and request.institution_id == user.organisation_id
    )


def legal_services_user(who: AnyUser) -> User:
    """The user of the legal-services desk: an institution's agent, a pool lawyer or the centre's
    administrator (a mediator outside the lawyer pool gets the same 404 as anyone else)."""
    user = desk(who, "legal_services")
    if user.role == Role.MEDIATOR and not is_pool_lawyer(user):
        raise Http404("页面不存在")
    return user


def visible_legal_requests(who: AnyUser) -> QuerySet[LegalRequest]:
    """An agent its institution's requests, a pool lawyer those assigned to them, the centre all."""
    requests = LegalRequest.objects.select_related("institution", "lawyer", "posted_by")
    user = _active(who)
    if user is None:
        return requests.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return requests
        case Role.BANK_AGENT:
            return requests.filter(institution_id=user.organisation_id or 0)
        case Role.MEDIATOR:
            return requests.filter(lawyer=user)
    return requests.none()


def legal_request_for(who: AnyUser, request_id: object) -> LegalRequest:
    return _one(visible_legal_requests(who), request_id, "法律服务需求不存在或无权查看")


def visible_service_files(who: AnyUser) -> QuerySet[Organisation]:
    """Institutions whose service file (服务档案) the user may open: an agent its own, a lawyer
    those they served, the centre every institution."""
    institutions = Organisation.objects.filter(kind=OrganisationKind.INSTITUTION)
    user = _active(who)
    if user is None:
        return institutions.none()
    if user.role == Role.PLATFORM_ADMIN:
        return institutions
    if user.role == Role.BANK_AGENT:
        return institutions.filter(pk=user.organisation_id or 0)
    if user.role == Role.MEDIATOR:
        return institutions.filter(pk__in=visible_legal_requests(user).values("institution_id"))
    return institutions.none()


def service_file_for(who: AnyUser, institution_id: object) -> Organisation:
    return _one(visible_service_files(who), institution_id, "服务档案不存在或无权查看")


# --- end legal services ---


def dashboard_kind(who: AnyUser) -> str:
    """Which dashboard the user gets: "court" (院庭长: their court), "bank" (an institution's
    agent: its own cases) or "centre" (the platform's administrator: every case)."""
    user = desk(who, "dashboard")
    if user.role == Role.COURT_PRESIDENT:
        return "court"
    if user.role == Role.BANK_AGENT:
        return "bank"
    return "centre"


# The staff desks and the roles that may open them (anyone else gets the same 404).
DESKS: dict[str, frozenset[str]] = {
    "mediation": frozenset({Role.MEDIATOR, Role.BANK_AGENT, Role.PLATFORM_ADMIN}),
    "filing": frozenset({Role.CLERK, Role.PLATFORM_ADMIN}),
    "intake": frozenset({Role.BANK_AGENT, Role.CLERK, Role.PLATFORM_ADMIN}),
    "service": frozenset({Role.CLERK, Role.JUDGE, Role.PLATFORM_ADMIN}),
    "hearings": frozenset({Role.JUDGE, Role.CLERK, Role.PLATFORM_ADMIN}),
    "judgments": frozenset({Role.JUDGE, Role.CLERK, Role.PLATFORM_ADMIN}),
    "enforcement": frozenset({Role.ENFORCEMENT_OFFICER, Role.PLATFORM_ADMIN}),
    "recoveries": frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN}),
    # The judgment results API (`/api/v1/judgments/…`): the claimant's systems and the centre.
    "judgment_results": frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN}),
    # Dashboards: the court president (own court), the centre (all), each bank (its own cases).
    "dashboard": frozenset({Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN, Role.BANK_AGENT}),
    "publication": frozenset({Role.CLERK, Role.JUDGE, Role.PLATFORM_ADMIN}),
    "risk": frozenset({Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN}),
    "legal_services": frozenset({Role.BANK_AGENT, Role.MEDIATOR, Role.PLATFORM_ADMIN}),
    # Suspected-crime referrals: who puts them, decides them and receives them.
    "referrals": frozenset(
        {
            Role.JUDGE,
            Role.MEDIATOR,
            Role.COURT_PRESIDENT,
            Role.PLATFORM_ADMIN,
            Role.POLICE_LIAISON,
            Role.PROSECUTOR,
        }
    ),
    # Fraud intervention tasks: the institution of the borrower and the police liaison.
    "interventions": frozenset(
        {Role.BANK_AGENT, Role.POLICE_LIAISON, Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN}
    ),
}


def may_open(who: AnyUser, desk_name: str) -> bool:
    user = _active(who)
    return user is not None and user.role in DESKS[desk_name]


def desk(who: AnyUser, desk_name: str) -> User:
    """The signed-in staff user if their role works at this desk; else the page does not exist."""
    user = _active(who)
    if user is None or user.role not in DESKS[desk_name]:
        raise Http404("页面不存在")
    return user


def party_user(who: AnyUser) -> User:
    """The signed-in party (被告/担保人) with their party record; else the page does not exist."""
    user = _active(who)
    if user is None or user.role != Role.DEFENDANT or user.party_id is None:
        raise Http404("页面不存在")
    return user


def answering_user(who: AnyUser) -> User:
    """The signed-in party (被告/担保人) or lawyer, who may answer; else the page does not exist."""
    user = _active(who)
    if user is not None and user.role == Role.LAWYER:
        return user
    return party_user(who)


def is_lawyer(who: AnyUser) -> bool:
    user = _active(who)
    return user is not None and user.role == Role.LAWYER


def answering_party(user: User, case_id: object) -> tuple[Case, Party]:
    """The case and the party `user` answers for in it: their own party (a defendant or a
    guarantor of the case), or the party a lawyer acts for (`Agent`). 404 otherwise."""
    case = case_for(user, case_id)
    if user.role == Role.LAWYER:
        agent = Agent.objects.filter(case=case, lawyer=user).select_related("party").first()
        if agent is None:
            raise Http404("案件不存在或无权查看")
        return case, agent.party
    cp = (
        CaseParty.objects.filter(
            case=case,
            party_id=user.party_id or 0,
            role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR],
        )
        .select_related("party")
        .first()
    )
    if cp is None:
        raise Http404("案件不存在或无权查看")
    return case, cp.party


def find_lawyer(username: str) -> User | None:
    """An active lawyer account by username (a party names the lawyer they appoint)."""
    return User.objects.filter(username=username, role=Role.LAWYER, is_active=True).first()


def lawyer_user(who: AnyUser) -> User:
    """The signed-in lawyer (诉讼代理人); else the page does not exist."""
    user = _active(who)
    if user is None or user.role != Role.LAWYER:
        raise Http404("页面不存在")
    return user


# =============================================================================================
# Who may act on a case (decided here once; every action asks before it writes).
#
# A user may act on a case only if the case is in their scope (`visible_cases`) AND their role
# is an actor of the move (`Transition.actors` in `states.py`) or of the named ability below
# (acts that are not moves of the lifecycle). `None` as the user is the system: a sweep, a
# worker or the borrower portal; it has every case in scope but only the moves and abilities
# that list `SYSTEM`.
# =============================================================================================

from dataclasses import dataclass  # noqa: E402  (kept with the section it serves)

from jiefen.cases.states import (  # noqa: E402
    BY_NAME,
    SYSTEM,
    TRANSITIONS,
    Transition,
    actor_refusal,
    offer_refusal,
)

NOT_IN_SCOPE = "无权执行此操作：案件不在您的办理范围内"


@dataclass(frozen=True)
class Ability:
    """A named act on a case that is not a move of the lifecycle, with who may do it and why."""

    label: str
    actors: frozenset[str]
    reason: str


ABILITIES: dict[str, Ability] = {
    "mediation.reassign": Ability(
        "改派调解员",
        frozenset({Role.PLATFORM_ADMIN, Role.MEDIATOR}),
        "The centre re-routes a case; a mediator may hand their own case to a colleague.",
    ),
    "mediation.sign": Ability(
        "签署调解协议",
        frozenset({Role.BANK_AGENT, Role.MEDIATOR}),
        "Claimant and mediator sign in the platform (人民调解法 Art. 29); the borrower on the portal.",
    ),
    "mediation.send_offer": Ability(
        "发送调解方案",
        frozenset({Role.MEDIATOR, Role.PLATFORM_ADMIN}),
        "The mediator puts terms to the borrowers; the claimant's own say is its settlement rule.",
    ),
    "mediation.decide_offer": Ability(
        "处理借款人方案",
        frozenset({Role.BANK_AGENT, Role.MEDIATOR, Role.PLATFORM_ADMIN}),
        "The claimant decides a plan outside its rule; the mediator may reject or counter it.",
    ),
    "mediation.approve_offer": Ability(
        "同意超出规则的方案",
        frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN}),
        "Only the creditor may give up more than its standing rule allows; a mediator cannot.",
    ),
    "mediation.see_portal_code": Ability(
        "查看借款人查询码",
        frozenset({Role.BANK_AGENT, Role.MEDIATOR, Role.PLATFORM_ADMIN}),
        "Staff read the code to a borrower on the phone; the borrower has it in the SMS.",
    ),
    "mediation.set_rule": Ability(
        "设置预设和解规则",
        frozenset({Role.BANK_AGENT}),
        "Only the creditor can say in advance which borrower plans it accepts (预设和解规则).",
    ),
    "mediation.record_payments": Ability(
        "登记还款",
        frozenset({Role.BANK_AGENT}),
        "Payments are reported by the creditor that received them, for its own cases only.",
    ),
    "docket.file_series": Ability(
        "批量立案",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN}),
        "Filing (立案) is the court registry's act (民诉法 Art. 126), at the clerk's own court.",
    ),
    "docket.set_fee_account": Ability(
        "设置诉讼费收款账户",
        frozenset({Role.PLATFORM_ADMIN, SYSTEM}),
        "The account printed on fee notices is back-office data the administrator keeps.",
    ),
    "service.serve_series": Ability(
        "批量送达",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN, SYSTEM}),
        "Service of the court's documents is the registry's work (民诉法 Art. 87 ff.), the clerk's.",
    ),
    "service.record_receipt": Ability(
        "登记送达回证",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN}),
        "A signed paper receipt (回证) the post brought back is scanned in by the clerk.",
    ),
    "service.issue_proof": Ability(
        "出具送达凭证",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN, SYSTEM}),
        "The registry certifies its own service; the sweep issues it once a service took effect.",
    ),
    "service.receive_receipts": Ability(
        "接收送达回执",
        frozenset({SYSTEM}),
        "Gateway and postal receipts arrive machine to machine, authenticated by their signature.",
    ),
    "hearings.schedule": Ability(
        "排期开庭",
        frozenset({Role.JUDGE, Role.CLERK, SYSTEM}),
        "The judge fixes hearing dates (民诉法 Art. 139) through the clerk; the sweep reschedules "
        "a hearing that would come before a late-served defendant's periods end.",
    ),
    "hearings.appoint_agent": Ability(
        "登记委托诉讼代理人",
        frozenset({Role.DEFENDANT, Role.CLERK}),
        "A party appoints a lawyer with a power of attorney (民诉法 Arts. 61-62); the clerk "
        "registers one handed in on paper.",
    ),
    "hearings.answer": Ability(
        "提交答辩状",
        frozenset({Role.DEFENDANT, Role.LAWYER}),
        "The defendant answers the complaint element by element (民诉法 Art. 128), or their lawyer.",
    ),
    "hearings.record": Ability(
        "记录庭审",
        frozenset({Role.JUDGE, Role.CLERK}),
        "The clerk records the hearing (民诉法 Art. 150); the judge conducts it.",
    ),
    "hearings.find": Ability(
        "认定要素事实",
        frozenset({Role.JUDGE}),
        "Findings of fact are the judge's alone.",
    ),
    "hearings.edit_transcript": Ability(
        "校对笔录",
        frozenset({Role.CLERK}),
        "The clerk keeps and corrects the transcript (民诉法 Art. 150).",
    ),
    "hearings.sign_transcript": Ability(
        "签名确认笔录",
        frozenset({Role.JUDGE, Role.CLERK, Role.BANK_AGENT, Role.DEFENDANT, Role.LAWYER, SYSTEM}),
        "Participants read and sign the transcript (民诉法 Art. 150); a one-time code sent to "
        "the participant authenticates a signature given on the court's terminal.",
    ),
    "judgments.draft": Ability(
        "生成裁判文书",
        frozenset({Role.JUDGE}),
        "The judge drafts the decisions of the cases heard, a series at a time.",
    ),
    "judgments.sign": Ability(
        "签发裁判文书",
        frozenset({Role.JUDGE}),
        "The judge reviews, edits and signs the decision (民诉法 Art. 155).",
    ),
    "judgments.apply_withdrawal": Ability(
        "申请撤诉",
        frozenset({Role.BANK_AGENT}),
        "The claimant applies to withdraw; the court rules on it (民诉法 Art. 148).",
    ),
    "judgments.record_appeal": Ability(
        "登记上诉",
        frozenset({Role.CLERK}),
        "A paper appeal handed in at the court is registered by the clerk (民诉法 Art. 173).",
    ),
    "enforcement.prepare_applications": Ability(
        "生成执行申请",
        frozenset({SYSTEM}),
        "The sweep prepares an application when a performance period passes unpaid.",
    ),
    "enforcement.record_payment": Ability(
        "登记执行款",
        frozenset({Role.ENFORCEMENT_OFFICER, Role.BANK_AGENT, SYSTEM}),
        "Money reaches the court's enforcement account (the officer or the account feed records "
        "it), or the debtor pays the creditor directly and the creditor reports it.",
    ),
    "enforcement.disburse": Ability(
        "发还执行款",
        frozenset({Role.ENFORCEMENT_OFFICER}),
        "Only the court pays out what it holds on its enforcement account.",
    ),
    "enforcement.receive_registry": Ability(
        "接收查控反馈",
        frozenset({Role.ENFORCEMENT_OFFICER, SYSTEM}),
        "Registry answers arrive machine to machine; the officer may fetch them.",
    ),
    "enforcement.lift_measure": Ability(
        "解除执行措施",
        frozenset({Role.ENFORCEMENT_OFFICER, SYSTEM}),
        "Freezes, seizures and restrictions are lifted by the court, on performance by the sweep.",
    ),
    "stats.white_paper": Ability(
        "生成白皮书",
        frozenset({Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN, SYSTEM}),
        "The court publishes its white paper; the centre's administrator prepares it.",
    ),
    "publication.prepare": Ability(
        "生成公开文本",
        frozenset({Role.CLERK, Role.PLATFORM_ADMIN, SYSTEM}),
        "Effective judgments are prepared for publication (法释〔2016〕19号 Art. 3).",
    ),
    "publication.review": Ability(
        "审核公开文书",
        frozenset({Role.CLERK}),
        "A clerk checks the anonymised text beside the original before release (Art. 12).",
    ),
    "risk.import_feed": Ability(
        "导入外部风险数据",
        frozenset({Role.PLATFORM_ADMIN, SYSTEM}),
        "Regulators' penalties, complaints and registrations come from the centre or a feed.",
    ),
    "risk.detect": Ability(
        "运行风险预警",
        frozenset({Role.PLATFORM_ADMIN, SYSTEM}),
        "The daily sweep scores the signals; the administrator may run it at once.",
    ),
    "risk.handle": Ability(
        "处置风险预警",
        frozenset({Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN}),
        "Court leadership and the centre assign, handle and close warnings.",
    ),
    "legal_services.post": Ability(
        "发布法律服务需求",
        frozenset({Role.BANK_AGENT}),
        "An institution asks the lawyer pool for compliance, litigation or risk-review help.",
    ),
    "legal_services.answer": Ability(
        "答复法律服务需求",
        frozenset({Role.MEDIATOR}),
        "The pool lawyer on duty to whom the request was assigned answers it.",
    ),
    # --- issue 15: referral abilities ---
    "referrals.open": Ability(
        "提起涉嫌犯罪移送",
        frozenset({Role.JUDGE, Role.MEDIATOR, Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN}),
        "The judge or mediator of the cases, or the court's leadership and the centre acting on "
        "a warning, put the suspected crime before the judge.",
    ),
    "referrals.decide": Ability(
        "决定移送及民事案件处理",
        frozenset({Role.JUDGE}),
        "Dismissal, suspension or going on are judicial decisions (民间借贷规定 Arts. 5-7; "
        "法释〔1998〕7号 Arts. 10-12): the judge's alone.",
    ),
    "referrals.answer": Ability(
        "答复移送（立案/不立案）",
        frozenset({Role.POLICE_LIAISON, Role.PROSECUTOR}),
        "The agency the matter was sent to answers whether it opened a criminal case.",
    ),
    "referrals.report_identity": Ability(
        "报告冒名贷款",
        frozenset({Role.DEFENDANT, Role.LAWYER, SYSTEM}),
        "The borrower (on the portal: the system for the borrower it identified) or their lawyer "
        "says the loan was taken in their name.",
    ),
    "referrals.report_contact": Ability(
        "登记涉诈联系方式",
        frozenset({Role.POLICE_LIAISON, Role.PLATFORM_ADMIN}),
        "Numbers and addresses used for fraud come from the police's anti-fraud notices.",
    ),
    "referrals.open_intervention": Ability(
        "生成反诈干预任务",
        frozenset({Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN, SYSTEM}),
        "The sweep turns a fraud warning into a task; the centre or the court may add one.",
    ),
    "referrals.record_intervention": Ability(
        "登记干预结果",
        frozenset({Role.BANK_AGENT, Role.POLICE_LIAISON}),
        "Whoever was given the task calls the borrower and records the outcome.",
    ),
    # --- end referral abilities ---
    "intake.submit_batch": Ability(
        "提交批量数据",
        frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN, SYSTEM}),
        "A batch is the claimant's submission; the administrator and workers may load one.",
    ),
}


def _role(user: User | None) -> str | None:
    return None if user is None else str(user.role)


def role_refusal(user: User | None, name: str) -> str | None:
    """Why `user`'s role may never do `name` (a transition or an ability), or None.

    Independent of any case: actions that work on many cases ask it first and refuse at once.
    """
    if user is not None and not (user.is_authenticated and user.is_active):
        return "无权执行此操作：账号未登录或已停用"
    if name in BY_NAME:
        return actor_refusal(_role(user), BY_NAME[name])
    ability = ABILITIES[name]
    if (_role(user) or SYSTEM) in ability.actors:
        return None
    if user is None:
        return f"「{ability.label}」须由经办人员操作，系统不能自动执行"
    return f"无权执行此操作：{Role(user.role).label}不能「{ability.label}」"


def in_scope(user: User | None, case_ids: list[int]) -> set[int]:
    """The ids among `case_ids` that `user` may act on by scope (the system: all of them)."""
    if user is None:
        return set(case_ids)
    return set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def act_refusal(user: User | None, case: Case, name: str) -> str | None:
    """Why `user` may not do `name` on `case` (role first, then scope), or None if they may."""
    reason = role_refusal(user, name)
    if reason is None and case.pk not in in_scope(user, [case.pk]):
        reason = NOT_IN_SCOPE
    return reason


def allowed_events(case: Case, user: User | None) -> list[Transition]:
    """Moves `user` may make on `case` now: source state, guard, actor and scope all pass.

    This is what case pages render their buttons from; `requires` is left to the move itself,
    which supplies those fields (e.g. the notary office chosen when applying for notarization).
    """
    if user is not None and case.pk not in in_scope(user, [case.pk]):
        return []
    return [
        t
        for t in TRANSITIONS
        if offer_refusal(case, t) is None and role_refusal(user, t.name) is None
    ]


def may_do(case: Case, user: User | None, name: str) -> bool:
    """Whether `user` may do the ability or move `name` on `case` (for buttons of abilities)."""
    if name in BY_NAME:
        return any(t.name == name for t in allowed_events(case, user))
    return act_refusal(user, case, name) is None


# --- issue 14: tokens ---
# API tokens are credentials of a whole institution: the platform's administrator issues and
# revokes them (in the admin site), and so may the operator at the server's shell
# (`jiefen api_token`, acting as the system). A bank agent cannot mint credentials.
ABILITIES["accounts.manage_api_tokens"] = Ability(
    "签发或吊销 API 令牌",
    frozenset({Role.PLATFORM_ADMIN, SYSTEM}),
    "A token acts for its institution; only the centre's administrator or the operator issues it.",
)


def may_manage_api_tokens(who: AnyUser) -> bool:
    """Whether `who` may issue and revoke API tokens (the admin site's add form and action)."""
    return isinstance(who, User) and role_refusal(who, "accounts.manage_api_tokens") is None


def token_institutions() -> QuerySet[Organisation]:
    """The organisations that may hold API tokens: financial institutions (banks, lenders)."""
    return Organisation.objects.filter(kind=OrganisationKind.INSTITUTION)


# --- end tokens ---


# --- issue 14: webhooks ---
# A bank's system registers where its events are pushed: the institution's agents and its API
# tokens (whose accounts are agents) manage the institution's own subscriptions; nobody else
# has one. The platform's administrator reads every delivery log and may send a delivery again
# (the admin site); an agent may send again only its own institution's.
ABILITIES["webhooks.manage"] = Ability(
    "登记或删除事件推送地址",
    frozenset({Role.BANK_AGENT}),
    "A subscription receives the institution's case events: only its own agents or tokens make it.",
)
ABILITIES["webhooks.resend"] = Ability(
    "重新推送事件",
    frozenset({Role.BANK_AGENT, Role.PLATFORM_ADMIN}),
    "Sending a delivery again discloses nothing new; the centre helps a bank after an outage.",
)

from jiefen.webhooks.models import Delivery, Subscription  # noqa: E402


def may_manage_webhooks(who: AnyUser) -> bool:
    """Whether `who` may register and delete its institution's webhook subscriptions."""
    user = _active(who)
    return (
        user is not None
        and user.organisation_id is not None
        and role_refusal(user, "webhooks.manage") is None
    )


def visible_subscriptions(who: AnyUser) -> QuerySet[Subscription]:
    """Webhook subscriptions: an agent's institution's, all for the administrator."""
    subscriptions = Subscription.objects.all()
    user = _active(who)
    if user is None:
        return subscriptions.none()
    if user.role == Role.PLATFORM_ADMIN:
        return subscriptions
    if user.role == Role.BANK_AGENT and user.organisation_id is not None:
        return subscriptions.filter(institution_id=user.organisation_id)
    return subscriptions.none()


def subscription_for(who: AnyUser, subscription_id: object) -> Subscription:
    """One live (not deleted) subscription of `who`'s scope, or the same 404 for any other."""
    return _one(
        visible_subscriptions(who).filter(deleted_at=None), subscription_id, "推送地址不存在"
    )


def visible_deliveries(who: AnyUser) -> QuerySet[Delivery]:
    """Deliveries are visible exactly when their subscription is."""
    return Delivery.objects.filter(subscription__in=visible_subscriptions(who).values("pk"))


# --- end webhooks ---


# --- issue 15: referrals ---
# Suspected-crime referrals (涉嫌犯罪移送) and fraud interventions (反诈干预). A referral is the
# court's: the judge who decides it, whoever opened it, the court's leadership. The partner
# agency (公安机关 / 人民检察院) sees it only once the court sent it (移送函 sealed), never
# while the judge reviews it nor when he decided not to refer (法释〔1998〕7号 Art. 11: the court
# sends the materials; until then they are the court's file), and never one sent to another
# agency. Through it the agency reads the referred cases and their documents, nothing else
# (`visible_cases`, `_of_visible_cases`, `visible_documents`, `visible_series` ask the same
# scope below). Interventions go to the organisation that must act on them.

from jiefen.referrals.models import (  # noqa: E402  (kept with its section)
    IdentityReport,
    Intervention,
    Referral,
    ReferralCase,
    ReferralState,
    ReportedContact,
)
from jiefen.risk.models import WarningKind  # noqa: E402

# The partner agencies' staff: economic-crime police liaison and prosecutor.
PARTNER_ROLES = frozenset({Role.POLICE_LIAISON, Role.PROSECUTOR})

# The states in which a referral is with the agency (sent, and answered either way).
SENT_STATES = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.DECLINED)

# The document kind of the sealed 移送函 (referrals.documents registers it).
REFERRAL_LETTER = "referral_letter"

# The claimant, a party and their lawyer: the letter to the police is not theirs to read.
_PARTIES_SIDE = frozenset({Role.BANK_AGENT, Role.DEFENDANT, Role.LAWYER})

# The warnings a bank sees about its own borrowers: the same kinds as `risk.fraud.FRAUD_KINDS`
# (a test keeps the two equal; access does not import the rules module).
FRAUD_WARNING_KINDS = (WarningKind.IDENTITY_MISUSE, WarningKind.FRAUD_CONTACT)


def _referred_case_ids(user: User) -> QuerySet[ReferralCase, int]:
    """The case ids of the referrals sent to `user`'s agency (a partner's whole case scope)."""
    return ReferralCase.objects.filter(
        referral__agency_id=user.organisation_id or 0, referral__state__in=SENT_STATES
    ).values_list("case_id", flat=True)


def visible_referrals(who: AnyUser) -> QuerySet[Referral]:
    """Admin all; a court president their court's; a judge those he decides or opened; a
    mediator those he opened; a liaison or prosecutor those sent to their own agency."""
    referrals = Referral.objects.select_related("court", "agency", "judge", "series")
    user = _active(who)
    if user is None:
        return referrals.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return referrals
        case Role.COURT_PRESIDENT:
            return referrals.filter(court_id=user.organisation_id or 0)
        case Role.JUDGE:
            return referrals.filter(Q(judge=user) | Q(opened_by=user))
        case Role.MEDIATOR:
            return referrals.filter(opened_by=user)
        case Role.POLICE_LIAISON | Role.PROSECUTOR:
            return referrals.filter(agency_id=user.organisation_id or 0, state__in=SENT_STATES)
    return referrals.none()


def referral_for(who: AnyUser, referral_id: object) -> Referral:
    return _one(visible_referrals(who), referral_id, "移送记录不存在或无权查看")


def may_decide_referral(who: AnyUser, referral: Referral) -> bool:
    """Only the judge of the referral decides it (民间借贷规定 Arts. 5-7: a judicial decision)."""
    user = _active(who)
    return (
        user is not None
        and user.pk == referral.judge_id
        and role_refusal(user, "referrals.decide") is None
    )


def may_answer_referral(who: AnyUser, referral: Referral) -> bool:
    """Only the agency it was sent to answers it (立案 / 不立案)."""
    user = _active(who)
    return (
        user is not None
        and user.organisation_id is not None
        and user.organisation_id == referral.agency_id
        and role_refusal(user, "referrals.answer") is None
    )


def visible_interventions(who: AnyUser) -> QuerySet[Intervention]:
    """Admin all; a court president those of the warnings he sees; a bank agent or a police
    liaison the tasks given to their own organisation."""
    interventions = Intervention.objects.select_related("warning", "party", "assignee_org")
    user = _active(who)
    if user is None:
        return interventions.none()
    match user.role:
        case Role.PLATFORM_ADMIN:
            return interventions
        case Role.COURT_PRESIDENT:
            return interventions.filter(warning__in=visible_warnings(user).values("pk"))
        case Role.BANK_AGENT | Role.POLICE_LIAISON:
            return interventions.filter(assignee_org_id=user.organisation_id or 0)
    return interventions.none()


def intervention_for(who: AnyUser, intervention_id: object) -> Intervention:
    return _one(visible_interventions(who), intervention_id, "干预任务不存在或无权查看")


def visible_identity_reports(who: AnyUser) -> QuerySet[IdentityReport]:
    """Reports of identity misuse (冒名贷款) of visible cases; a party sees only their own, a
    lawyer those of the parties they act for."""
    reports = _of_visible_cases(who, IdentityReport.objects.select_related("case", "party"), "case")
    user = _active(who)
    if user is not None and user.role == Role.DEFENDANT:
        reports = reports.filter(party_id=user.party_id or 0)
    if user is not None and user.role == Role.LAWYER:
        reports = reports.filter(party__agents__lawyer=user, case__agents__lawyer=user).distinct()
    return reports


def visible_reported_contacts(who: AnyUser) -> QuerySet[ReportedContact]:
    """The contacts the police reported as used for fraud: the centre and the police liaison,
    who registers them (only masked forms and blind indexes are stored)."""
    contacts = ReportedContact.objects.all()
    user = _active(who)
    if user is None or user.role not in (Role.PLATFORM_ADMIN, Role.POLICE_LIAISON):
        return contacts.none()
    return contacts


# --- end referrals ---
