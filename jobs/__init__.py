"""Background work that fails: the one place where a task's failure is handled.

Every Celery task of the project is a `jobs.base.Job` (the Celery app's task
class). A task whose message can never be processed (it runs out of memory, or a
file it reads cannot be decoded) ends as an ordinary failure that is recorded as a
`SetAsideTask`, not a retry and not a dead worker. A message that was started
JOBS_MAX_STARTS times and never finished (each time its worker died in it: the
OOM killer, a segfault in a decoder) is set aside instead of being run again.
The admin lists what was set aside.
"""
