"""What bench/cluster.py found once the load is over and the queue has drained: the clients' answers against the
database, the object store, the outbox and the logs; and the report (Markdown, or JSON)."""
import hashlib
import re
import statistics
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

APPLY_TASK = "crm.imports.tasks:apply"


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(seconds)
    if len(ordered) == 1:
        return {f"p{p}_ms": round(ordered[0] * 1000) for p in (50, 95, 99)}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000), "p95_ms": round(cuts[94] * 1000), "p99_ms": round(cuts[98] * 1000)}


def requests_figures(records: list[tuple]) -> dict:
    """records: (at, kind, status, seconds, retries)."""
    first_time = [r[3] for r in records if r[4] == 0]
    return {"requests": len(records), "by_status": dict(sorted(Counter(str(r[2]) for r in records).items())),
            "by_kind": dict(sorted(Counter(r[1] for r in records).items())),
            "retried_requests": sum(1 for r in records if r[4]),
            "gave_up": sum(1 for r in records if r[2] in (0, 502, 503, 504)),
            "longest_with_retries_ms": round(max((r[3] for r in records if r[4]), default=0) * 1000),
            **percentiles([r[3] for r in records]),
            "answered_first_time": {"requests": len(first_time), **percentiles(first_time)}}


def retried_after(faults: list[dict], records: list[tuple]) -> None:
    """Each fault's "retried": the requests answered after it (and before the next) that needed a retry."""
    for n, fault in enumerate(faults):
        until = faults[n + 1]["at"] if n + 1 < len(faults) else float("inf")
        fault["retried"] = sum(1 for r in records if r[4] and fault["at"] <= r[0] < until)


def writes_figures(engine, writes: list[tuple]) -> dict:
    with engine.connect() as conn:
        stored = Counter(dict(conn.execute(sa.text(
            "SELECT title, count(*) FROM engagements WHERE title LIKE 'cluster %' GROUP BY title")).all()))
    acknowledged = [title for title, status, _r in writes if status == 302]
    unacknowledged = [title for title, status, _r in writes if status != 302]
    return {"attempted": len(writes), "acknowledged": len(acknowledged),
            "retried_because": {title: why for title, _status, why in writes if why},
            "lost": sorted(t for t in acknowledged if not stored[t]),
            "written_twice": sorted(t for t in stored if stored[t] > 1),
            "not_acknowledged": len(unacknowledged),
            "not_acknowledged_but_saved": sum(1 for t in unacknowledged if stored[t])}


def files_figures(engine, s3, bucket: str, uploads: list[tuple], downloads: dict) -> dict:
    """uploads: (file name, sha256, partnership id, status, outcome, retries)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT filename, stored_name, sha256, deleted_at FROM attachments WHERE filename LIKE 'cluster-%'")).all()
    by_name: dict[str, list] = {}
    for row in rows:
        by_name.setdefault(row.filename, []).append(row)
    lost, checked = [], 0
    for name, digest, _pid, _status, outcome, _retries in uploads:
        if outcome != "acknowledged":
            continue
        found = [r for r in by_name.get(name, []) if r.sha256 == digest and r.deleted_at is None]
        if not found:
            lost.append(f"{name}: no row")
            continue
        key = f"{found[0].stored_name[:2]}/{found[0].stored_name}"
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as error:  # noqa: BLE001  (missing or unreadable: lost either way)
            lost.append(f"{name}: object {key}: {type(error).__name__}")
            continue
        checked += 1
        if hashlib.sha256(body).hexdigest() != digest:
            lost.append(f"{name}: object {key} differs")
    keys = {f"{r.stored_name[:2]}/{r.stored_name}" for r in rows}
    objects = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
               for o in page.get("Contents", [])]
    outcomes = Counter(u[4] for u in uploads)
    return {"attempted": len(uploads), "acknowledged": outcomes["acknowledged"], "refused": outcomes["refused"],
            "unanswered": outcomes["unanswered"], "lost": lost, "checked_in_store": checked,
            "stored_twice": sorted(n for n, found in by_name.items() if len(found) > 1),
            "objects_without_row": len([k for k in objects if k not in keys and not k.startswith("emblems/")]),
            "downloads_same": downloads["same"], "downloads_different": downloads["different"]}


def jobs_figures(engine, outboxes: list[Path], import_before: int) -> dict:
    with engine.connect() as conn:
        jobs = conn.execute(sa.text("SELECT id, task, status, attempts, key, result, error FROM jobs ORDER BY id")).all()
        imports = conn.execute(sa.text("SELECT id, status, summary, error FROM import_jobs ORDER BY id")).all()
        partnerships = conn.scalar(sa.text("SELECT count(*) FROM partnerships"))
        pairs_twice = conn.scalar(sa.text(
            "SELECT count(*) FROM (SELECT home_city_id, partner_city_id FROM partnerships "
            "GROUP BY home_city_id, partner_city_id HAVING count(*) > 1) AS twice"))
    messages = Counter()
    for outbox in outboxes:
        for eml in outbox.glob("**/*.eml") if outbox.is_dir() else []:
            found = re.search(rb"^Message-ID:\s*(\S+)", eml.read_bytes(), re.MULTILINE | re.IGNORECASE)
            if found:
                messages[found.group(1).decode()] += 1
    twice = []
    for job in jobs:  # a job whose effect is there twice: a message sent twice
        message_id = (job.result or {}).get("message_id") if isinstance(job.result, dict) else None
        if message_id and messages[message_id] > 1:
            twice.append(f"job {job.id} ({job.task}): message {message_id} sent {messages[message_id]} times")
    written = sum((i.summary or {}).get("partnerships", 0) for i in imports if i.status == "done")
    added = partnerships - import_before
    if added != written or pairs_twice:
        twice.append(f"import: {added} partnerships added, {written} reported written, {pairs_twice} pairs twice")
    never = [f"job {j.id} ({j.task}): {j.status} after {j.attempts} attempts{': ' + j.error if j.error else ''}"
             for j in jobs if j.status != "done"]
    return {"jobs": len(jobs), "by_task": dict(Counter(f"{j.task} {j.status}" for j in jobs)),
            "done": sum(j.status == "done" for j in jobs),
            "done_first_attempt": sum(j.status == "done" and j.attempts == 1 for j in jobs),
            "done_after_retries": sum(j.status == "done" and j.attempts > 1 for j in jobs),
            "attempts": {str(j.id): j.attempts for j in jobs if j.attempts != 1},
            "completed_twice": twice, "completed_never": never,
            "imports": [{"id": i.id, "status": i.status, "summary": i.summary, "error": i.error} for i in imports],
            "partnerships_added": added, "partnerships_reported_written": written, "pairs_twice": pairs_twice,
            "messages": sum(messages.values())}


RECORD = re.compile(r"^\[?\d{4}-\d{2}-\d{2}")  #: a log line that starts a new record (gunicorn's, logging's)


def _final_error(lines: list[str], start: int) -> str:
    """The exception a logged traceback ends with (the last of a chain)."""
    last = ""
    for line in lines[start + 1:start + 400]:
        if RECORD.match(line):
            break
        if line and not line.startswith((" ", "Traceback", "The above exception", "During handling")):
            last = line
    return last[:300]


def server_errors(logs: Path) -> dict:
    """500s: the access logs' count per endpoint, and each logged "Exception on …" with the error its traceback
    ends with; jobs that failed (the worker's and scheduler's errors); and how often the app said "try again"
    (the database away) or the readiness check said not ready, which is what a restart should look like."""
    found, exceptions, job_errors, unavailable = Counter(), [], [], Counter()
    for log in sorted(logs.glob("access_*.log")):
        for line in log.read_text(errors="replace").splitlines():
            match = re.search(r'"(GET|POST) (\S+) HTTP/[\d.]+" 500 ', line)
            if match:
                found[f"{log.stem[7:]} {match.group(1)} {re.sub(r'/[0-9]+', '/<id>', match.group(2))}"] += 1
    for log in sorted(logs.glob("*.log")):
        lines = log.read_text(errors="replace").splitlines()
        for n, line in enumerate(lines):
            if "Exception on " in line:
                exceptions.append({"log": log.name, "request": line.split("Exception on ", 1)[1][:200],
                                   "error": _final_error(lines, n)})
            elif log.stem in ("worker", "scheduler") and (" ERROR " in line or "failed, attempt" in line):
                job_errors.append({"log": log.name, "line": line[:300], "error": _final_error(lines, n)})
            elif "readiness check: database unavailable" in line:
                unavailable["/readyz answered 503 (database unavailable)"] += 1
            elif "database unavailable: " in line:
                unavailable["the app answered 503 (database unavailable)"] += 1
    return {"500s": dict(found), "exceptions": exceptions, "job_errors": job_errors,
            "unavailable": dict(unavailable)}


def goals(result: dict) -> dict:
    r, w, f, j = result["requests"], result["writes"], result["files"], result["jobs"]
    return {"0 lost writes": not w["lost"], "0 lost files": not f["lost"],
            "every job exactly once": not j["completed_twice"] and not j["completed_never"],
            "no 500s": (r["by_status"].get("500", 0) == 0 and not result["server_errors"]["500s"]
                        and not result["server_errors"]["exceptions"]),
            "clients notice restarts only as retries": r["gave_up"] == 0}


def markdown(result: dict) -> str:
    r, w, f, j = result["requests"], result["writes"], result["files"], result["jobs"]
    s = result["settings"]
    lines = [f"### The app as a cluster: {s['clients']} clients, {s['seconds']} s (commit {s['commit']})\n",
             (f"haproxy → 2 × gunicorn ({s['gunicorn']}), 1 RQ worker, 1 scheduler, PostgreSQL {s['postgres']}, "
             f"Redis {s['redis']}, {s['store']}; think time {s['think']} s on average between a client's actions; "
              f"the client processes used {result['clients_cpu_seconds']} s of CPU ({s['cpus']} cores; load average "
              f"{s['load_average_before']:.1f} as the load started).\n"),
             "| when | fault | took | requests retried until the next |", "|---|---|---|---|"]
    lines += [f"| {e['at']:.1f} s | {e['what']} | {e.get('took', '')} | {e.get('retried', '')} |"
              for e in result["faults"]]
    lines += ["", "| figure | value |", "|---|---|",
              f"| requests | {r['requests']:,} ({', '.join(f'{k} {v:,}' for k, v in r['by_kind'].items())}) |",
              f"| answers by status | {', '.join(f'{k}: {v:,}' for k, v in r['by_status'].items())} |",
              f"| p50 / p95 / p99 (retries included) | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} ms |",
              (f"| p50 / p95 / p99, answered at the first try ({r['answered_first_time']['requests']:,}) | "
               f"{r['answered_first_time']['p50_ms']} / {r['answered_first_time']['p95_ms']} / "
               f"{r['answered_first_time']['p99_ms']} ms |"),
              (f"| retried requests; retries by reason | {r['retried_requests']:,}; "
               f"{', '.join(f'{k}: {v:,}' for k, v in sorted(result['retries'].items())) or 'none'} |"),
              f"| longest answer through retries | {r['longest_with_retries_ms']:,} ms |",
              f"| requests that gave up (still no answer after {s['retry_seconds']:.0f} s) | {r['gave_up']} |",
              f"| engagement writes acknowledged (302) | {w['acknowledged']:,} of {w['attempted']:,} |",
              f"| writes lost (acknowledged, not in the database) | {len(w['lost'])} |",
              f"| writes saved twice | {len(w['written_twice'])} |",
              f"| writes not acknowledged (of which saved) | {w['not_acknowledged']} ({w['not_acknowledged_but_saved']}) |",
              (f"| files uploaded (acknowledged) | {f['acknowledged']:,} of {f['attempted']:,} (refused {f['refused']}, "
              f"unanswered {f['unanswered']}) |"),
              f"| files lost (row or object missing, or sha256 differs) | {len(f['lost'])} (checked {f['checked_in_store']:,} objects) |",
              f"| files stored twice; objects without a row | {len(f['stored_twice'])}; {f['objects_without_row']} |",
              f"| downloads: same sha256 / different | {f['downloads_same']:,} / {f['downloads_different']} |",
              f"| PDFs that were not PDFs | {result['pdf_not_pdf']} |",
              f"| jobs | {j['jobs']} ({', '.join(f'{k}: {v}' for k, v in j['by_task'].items())}) |",
              f"| jobs completed once (first attempt / after retries) | {j['done']} ({j['done_first_attempt']} / {j['done_after_retries']}) |",
              f"| jobs completed twice | {len(j['completed_twice'])} |",
              f"| jobs completed never | {len(j['completed_never'])} |",
              (f"| the import | {', '.join(i['status'] for i in j['imports'])}; {j['partnerships_added']:,} "
               f"partnerships added, {j['partnerships_reported_written']:,} reported written, "
               f"{j['pairs_twice']} pairs twice; {result['import']['timeline']} |"),
              f"| 500s in the app logs | {sum(result['server_errors']['500s'].values())} |"]
    lines += ["", "| goal | met |", "|---|---|"]
    lines += [f"| {goal} | {'yes' if met else '**no**'} |" for goal, met in result["goals"].items()]
    details = [*(f"- lost write: {t}" for t in w["lost"][:20]),
               *(f"- saved twice: {t} (its request was retried after: {w['retried_because'].get(t, '?')})"
                 for t in w["written_twice"][:20]), *(f"- lost file: {t}" for t in f["lost"][:20]),
               *(f"- job twice: {t}" for t in j["completed_twice"]), *(f"- job never: {t}" for t in j["completed_never"]),
               *(f"- 500: {k} × {v}" for k, v in result["server_errors"]["500s"].items()),
               *(f"- {t['log']}: Exception on {t['request']}: {t['error']}" for t in result["server_errors"]["exceptions"][:15]),
               *(f"- {t['log']}: {t['line']} {t['error']}" for t in result["server_errors"]["job_errors"][:15]),
               *(f"- {what}: {count}" for what, count in result["server_errors"]["unavailable"].items())]
    if result["import"].get("error"):
        details.append(f"- the import's client: {result['import']['error']}")
    if details:
        lines += ["", *details]
    return "\n".join(lines)
