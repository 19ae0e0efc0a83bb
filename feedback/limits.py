"""The reader feedback forms' rate limits (counted by newsroom.ratelimits)."""

VOTE_RATE = "10/m"
TYPO_REPORT_RATE = "5/10m"
