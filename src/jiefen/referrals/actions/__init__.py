"""The only writers of the referrals stage (rule 2 of the architecture), one module per job:
`referral` (open, decide, answer, dismiss after the police filed), `reports` (identity misuse,
reported fraud contacts) and `interventions` (fraud warnings become tasks; their outcome)."""
