"""The pages of the referrals stage: `referrals` (the referral desk) and `fraud` (reported
fraud contacts and intervention tasks)."""
