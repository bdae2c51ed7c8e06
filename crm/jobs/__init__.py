"""Background jobs: work a request must not wait for (imports, e-mail, digests, the purge).

A job is a row in `jobs` (crm.jobs.models); its state lives in the database, so every host shows it. A runner
only carries job ids to a process that performs them (crm.jobs.perform): RQ workers on Redis, a thread in each
web process, or, in the tests, the committing thread itself (crm.jobs.runners). Whoever performs a job first
claims it with a conditional UPDATE, so a job delivered twice runs once; a job whose process died is taken up
again when its lease runs out (crm.jobs.sweep), and its task starts again from a safe point.
"""
