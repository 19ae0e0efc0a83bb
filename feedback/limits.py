"""The reader feedback forms' rate limits (counted by newsroom.ratelimits)."""

VOTE_RATE = "10/m"
TYPO_REPORT_RATE = "5/10m"
# Votes without the reader cookie each count as a new reader (and votes rank the
# newsletter's articles): per article and client, only a few.
NEW_READER_VOTE_RATE = "3/h"
