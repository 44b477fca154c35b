"""The walkthrough's judged case comes from the decision stage's own fixtures."""

from judgments.conftest import (  # noqa: F401  (fixtures)
    card_series,
    claimant,
    clerk,
    judge,
    make_heard_case,
    other_judge,
)
