"""Court policies: the named choices on which courts differ, as one value per court.

legal-rules.md marks these points **[practice]**: the law does not settle them, so
each court picks a policy instead of the code branching on the court's name.

- ``fees``: rounding of litigation fees (:class:`~jiefen.law.fees.FeePolicy`), including
  whether a halved fee is rounded again to the yuan (:class:`~jiefen.law.fees.HalfRounding`);
- ``cap``: ``24pct`` or ``4lpr`` for banks and card issuers (法发〔2017〕22号 Art. 2);
- ``interest_basis``: 360 (PBoC convention) or 365 days a year;
- ``delay``: whether the expiry day counts for delayed-performance interest;
- ``timing``: hearing lead after filing and the default instalment grace period
  (:class:`~jiefen.law.timelines.TimingPolicy`).

``CourtPolicy.from_dict`` reads the JSON a court record stores; unknown keys or
values are refused, so a typo cannot silently fall back to a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from jiefen.law.caps import COURT_CAP_POLICIES, CourtCapPolicy
from jiefen.law.delay_interest import DelayPolicy
from jiefen.law.fees import HALF_ROUNDINGS, FeePolicy, HalfRounding
from jiefen.law.interest import Basis
from jiefen.law.money import ROUNDINGS, Rounding
from jiefen.law.timelines import TimingPolicy


@dataclass(frozen=True)
class CourtPolicy:
    """All per-court policies; the defaults are the ones legal-rules.md states."""

    fees: FeePolicy = field(default_factory=FeePolicy)
    cap: CourtCapPolicy = "24pct"
    interest_basis: Basis = 360
    delay: DelayPolicy = field(default_factory=DelayPolicy)
    timing: TimingPolicy = field(default_factory=TimingPolicy)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (for a JSONField on the court)."""
        return {
            "fee_rounding": self.fees.rounding,
            "fee_halve_after_rounding": self.fees.halve_after_rounding,
            "fee_application_rounding": self.fees.application_rounding,
            "fee_half_rounding": self.fees.half_rounding.value,
            "cap": self.cap,
            "interest_basis": self.interest_basis,
            "delay_count_expiry_day": self.delay.count_expiry_day,
            "hearing_lead_days": self.timing.hearing_lead_days,
            "instalment_grace_days": self.timing.instalment_grace_days,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CourtPolicy:
        """Build from :meth:`to_dict` output; missing keys take the defaults."""
        data = dict(data or {})
        default = cls().to_dict()
        unknown = set(data) - set(default)
        if unknown:
            raise ValueError(f"unknown court policy key(s): {', '.join(sorted(unknown))}")
        merged = {**default, **data}
        for key in ("fee_rounding", "fee_application_rounding"):
            if merged[key] not in ROUNDINGS:
                raise ValueError(f"{key} must be one of {', '.join(ROUNDINGS)}")
        if merged["fee_half_rounding"] not in HALF_ROUNDINGS:
            raise ValueError(f"fee_half_rounding must be one of {', '.join(HALF_ROUNDINGS)}")
        for key in ("hearing_lead_days", "instalment_grace_days"):
            if isinstance(merged[key], bool) or not isinstance(merged[key], int):
                raise ValueError(f"{key} must be a whole number of days")
        if merged["cap"] not in COURT_CAP_POLICIES:
            raise ValueError(f"cap must be one of {', '.join(COURT_CAP_POLICIES)}")
        if merged["interest_basis"] not in (360, 365):
            raise ValueError("interest_basis must be 360 or 365")
        for key in ("fee_halve_after_rounding", "delay_count_expiry_day"):
            if not isinstance(merged[key], bool):
                raise ValueError(f"{key} must be true or false")
        return cls(
            fees=FeePolicy(
                rounding=cast(Rounding, merged["fee_rounding"]),
                halve_after_rounding=merged["fee_halve_after_rounding"],
                application_rounding=cast(Rounding, merged["fee_application_rounding"]),
                half_rounding=HalfRounding(merged["fee_half_rounding"]),
            ),
            cap=cast(CourtCapPolicy, merged["cap"]),
            interest_basis=cast(Basis, merged["interest_basis"]),
            delay=DelayPolicy(count_expiry_day=merged["delay_count_expiry_day"]),
            timing=TimingPolicy(
                hearing_lead_days=merged["hearing_lead_days"],
                instalment_grace_days=merged["instalment_grace_days"],
            ),
        )


DEFAULT_COURT_POLICY = CourtPolicy()
