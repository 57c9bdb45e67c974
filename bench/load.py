"""Parley under concurrent writers, through HTTP: `.venv/bin/python bench/load.py`.

Two app instances (threaded werkzeug servers in subprocesses on loopback ports) share one
database and one search index. N members each post a review of each of M suppliers,
edit it (sometimes the same edit twice at once, from both instances: two tabs), withdraw
some, and proffer their terms; each supplier's representative answers reviews as they
come. Every request goes to a random instance. Then it prints:

- requests and 5xx (goal 0), and the other statuses seen;
- acknowledged-but-missing writes: a 303 whose effect is not in the database (goal 0);
- aggregate drift: stored reputation vs a recompute (vrm.reputation.check; goal 0);
- index drift: public reviews missing from the search index, or indexed but not public;
- commit→searchable: from a post's 303 to its first sight in the index, p50/p95/max.

SQLite by default (a temporary file); `--database-url postgresql+psycopg://…` runs on
PostgreSQL in a schema of its own (`parley_load`, dropped afterwards). Exit status 1 when
a goal is missed. Sign-in is not what is measured: members' session cookies are signed
with the instances' shared secret, as Flask-Login would issue them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import free_port
from vrm import create_app
from vrm.db import get_db
from vrm.settings import Settings

SECRET = "parley-load-bench-secret"  # noqa: S105 - a throwaway database's instances
SCHEMA = "parley_load"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


THREADS = 8  # requests served at once per instance, like `gunicorn --threads 8`


def serve(port: int) -> None:
    """One app instance (the child process): configured from PARLEY_* like production.

    werkzeug starts a thread per request without bound; a semaphore caps them at THREADS,
    as a production server would, below the connection pool's 15 (else requests wait
    for a pooled connection instead of the database, and time out)."""
    from werkzeug.serving import make_server

    app = create_app()
    slots = threading.BoundedSemaphore(THREADS)
    inner = app.wsgi_app

    def bounded(environ: Any, start_response: Any) -> Any:
        with slots:
            return list(inner(environ, start_response))

    app.wsgi_app = bounded  # type: ignore[method-assign]
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


# ---- the database and its people ----


def prepare_database(url: str | None, scratch: Path) -> tuple[str, Any]:
    """A migrated, empty database; returns its URL and how to drop it afterwards."""
    from vrm.schema import alembic_config

    if url is None or url.startswith("sqlite"):
        url = url or f"sqlite:///{scratch / 'load.db'}"
        command.upgrade(alembic_config(url), "heads")
        return url, lambda: None
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    rendered = scoped.render_as_string(hide_password=False)
    command.upgrade(alembic_config(rendered), "heads")

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()

    return rendered, drop


@dataclass
class Cast:
    suppliers: list[tuple[int, str]]  # (id, slug)
    members: list[str]  # cookie values
    member_ids: list[int]
    representatives: list[str]  # one per supplier, same order


def seed(app: Any, members: int, suppliers: int) -> Cast:
    from vrm.members.models import Member
    from vrm.search import rebuild
    from vrm.search.location import index_dir
    from vrm.suppliers.models import RepresentativeClaim
    from vrm.suppliers.service import create_supplier
    from vrm.terms import service as terms
    from vrm.terms.seed import seed_library

    rebuild.rebuild(get_db(app).session_factory, index_dir(app))  # empty: drains fill it
    with app.app_context(), get_db(app).session_factory() as session:
        seed_library(session)
        made = [
            create_supplier(
                session, actor=None, name=f"Load Supplier {n}", kind="business", sector="telecoms"
            )
            for n in range(suppliers)
        ]
        people = [Member(handle=f"loader{n}") for n in range(members)]
        speakers = [Member(handle=f"speaker{n}") for n in range(suppliers)]
        session.add_all(people + speakers)
        session.flush()
        for supplier, speaker in zip(made, speakers, strict=True):
            session.add(
                RepresentativeClaim(
                    supplier_id=supplier.id,
                    member_id=speaker.id,
                    method="moderator",
                    status="verified",
                    verified_at=dt.datetime.now(dt.UTC),
                )
            )
        for person in people:
            terms.save_draft(
                session,
                actor=person,
                member=person,
                items=[],
                text="Answer my letters within ten working days.",
            )
            terms.publish(session, actor=person, member=person)
        session.commit()
        cast = Cast(
            suppliers=[(s.id, s.slug) for s in made],
            members=[cookie(app, m.get_id()) for m in people],
            member_ids=[m.id for m in people],
            representatives=[cookie(app, m.get_id()) for m in speakers],
        )
    return cast


def cookie(app: Any, user_id: str) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    return str(serializer.dumps({"_user_id": user_id, "_fresh": True}))


# ---- the load ----


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    posted: dict[int, float] = field(default_factory=dict)  # review id -> acknowledged at
    ratings: dict[int, int] = field(default_factory=dict)  # review id -> last acknowledged
    withdrawn: set[int] = field(default_factory=set)
    answered: set[int] = field(default_factory=set)
    proffered: set[tuple[int, int]] = field(default_factory=set)  # (member id, supplier id)
    errors: list[str] = field(default_factory=list)


class Visitor:
    """One person's browser: a signed cookie, a CSRF token, either instance per request."""

    def __init__(self, cookie_value: str, ports: list[int], tally: Tally, rng: random.Random):
        self.cookie, self.ports, self.tally, self.rng = cookie_value, ports, tally, rng
        self.http = requests.Session()
        self.token = ""

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        port = self.rng.choice(self.ports)
        answer = self.http.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            data=data,
            allow_redirects=False,
            headers={"Cookie": f"parley_session={self.cookie}"},
            timeout=120,
        )
        self.http.cookies.clear()  # the cookie is ours to keep (both instances share it)
        if "parley_session" in answer.cookies:
            self.cookie = answer.cookies["parley_session"]
        with self.tally.lock:
            self.tally.statuses[answer.status_code] += 1
            if answer.status_code >= 500:
                self.tally.errors.append(f"{method} {path}: {answer.status_code}")
        return answer

    def post(self, path: str, **data: Any) -> Any:
        if not self.token:
            match = TOKEN.search(self.request("GET", "/").text)
            assert match, "no CSRF token on the home page"
            self.token = match.group(1)
        return self.request("POST", path, {"csrf_token": self.token, **data})


def review_form(rating: int, title: str) -> dict[str, Any]:
    return {
        "rating": str(rating),
        "title": title,
        "experienced_on": "2026-01-02",
        "body": f"Rated {rating}: the line was busy, then someone helped.",
    }


def member_work(visitor: Visitor, member_id: int, cast: Cast, queues: list[list[int]]) -> None:
    tally, rng = visitor.tally, visitor.rng
    order = list(enumerate(cast.suppliers))
    rng.shuffle(order)
    for index, (supplier_id, slug) in order:
        rating = rng.randint(1, 5)
        posted = visitor.post(f"/s/{slug}/review", **review_form(rating, f"Take {member_id}"))
        if posted.status_code != 303:
            continue
        review_id = int(posted.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        with tally.lock:
            tally.posted[review_id] = time.monotonic()
            tally.ratings[review_id] = rating
            queues[index].append(review_id)
        rating = rng.randint(1, 5)
        form = review_form(rating, f"Take {member_id}, edited")
        edit = f"/reviews/{review_id}/edit"
        if rng.random() < 0.3:  # the same form sent twice at once, one to each instance
            twin = threading.Thread(target=visitor.post, args=(edit,), kwargs=form)
            twin.start()
            edited = visitor.post(edit, **form)
            twin.join()
        else:
            edited = visitor.post(edit, **form)
        if edited.status_code == 303:
            with tally.lock:
                tally.ratings[review_id] = rating
        if (
            rng.random() < 0.25
            and visitor.post(f"/reviews/{review_id}/withdraw").status_code == 303
        ):
            with tally.lock:
                tally.withdrawn.add(review_id)
        if visitor.post(f"/s/{slug}/terms/proffer").status_code == 303:
            with tally.lock:
                tally.proffered.add((member_id, supplier_id))


def speaker_work(visitor: Visitor, queue: list[int], done: threading.Event) -> None:
    while not (done.is_set() and not queue):
        if not queue:
            time.sleep(0.01)
            continue
        review_id = queue.pop(0)
        answer = visitor.post(f"/reviews/{review_id}/answer", body="Thank you; we are on it.")
        if answer.status_code == 303:
            with visitor.tally.lock:
                visitor.tally.answered.add(review_id)


class IndexWatch(threading.Thread):
    """Records when each acknowledged post is first seen in the search index."""

    def __init__(self, search_dir: Path, tally: Tally) -> None:
        super().__init__(daemon=True)
        self.search_dir, self.tally = search_dir, tally
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()

    def keys(self) -> set[str]:
        from whoosh.index import open_dir

        from vrm.search.index import live_path

        with open_dir(str(live_path(self.search_dir))).searcher() as searcher:
            return {fields["key"] for fields in searcher.all_stored_fields()}

    def run(self) -> None:
        while not self.stop.is_set():
            self.look()
            time.sleep(0.02)

    def look(self) -> set[str]:
        keys = self.keys()
        at = time.monotonic()
        with self.tally.lock:
            waiting = [i for i in self.tally.posted if i not in self.seen]
        for review_id in waiting:
            if f"review:{review_id}" in keys:
                self.seen[review_id] = at
        return keys


# ---- the verdict ----


def missing_writes(app: Any, tally: Tally) -> list[str]:
    from sqlalchemy import select

    from vrm.reviews.models import Review, ReviewMessage
    from vrm.terms.models import Proffer

    lost = []
    with app.app_context(), get_db(app).session_factory() as session:
        reviews = {r.id: r for r in session.scalars(select(Review))}
        messages = set(session.scalars(select(ReviewMessage.review_id)))
        proffers = set(session.execute(select(Proffer.member_id, Proffer.supplier_id)))
    for review_id, rating in tally.ratings.items():
        review = reviews.get(review_id)
        if review is None:
            lost.append(f"review {review_id} was acknowledged but is not stored")
        elif review.rating != rating:
            lost.append(f"review {review_id}: acknowledged rating {rating}, stored {review.rating}")
    lost += [
        f"review {i} not withdrawn" for i in tally.withdrawn if reviews[i].status != "withdrawn"
    ]
    lost += [f"answer to review {i} missing" for i in tally.answered if i not in messages]
    lost += [f"proffer {p} missing" for p in tally.proffered if p not in proffers]
    return lost


def public_review_ids(app: Any) -> set[int]:
    from vrm.reviews.queries import public_reviews

    with app.app_context(), get_db(app).session_factory() as session:
        return {review.id for review in session.scalars(public_reviews(session))}


def drift_count(app: Any) -> int:
    from vrm.reputation.check import find_drift

    with app.app_context(), get_db(app).session_factory() as session:
        return sum(1 for _ in find_drift(session))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def start_servers(
    url: str, scratch: Path, search_dir: Path, count: int, servers: list[Any]
) -> None:
    """Start COUNT instances, appended to SERVERS (the caller stops them, even on failure)."""
    for n in range(count):
        port = free_port()
        env = {
            **os.environ,
            "PARLEY_DATABASE_URL": url,
            "PARLEY_SECRET_KEY": SECRET,
            "PARLEY_INSTANCE_PATH": str(scratch / f"instance-{n}"),
            "PARLEY_SEARCH_DIR": str(search_dir),
            "PARLEY_SEARCH_BACKEND": "whoosh",  # the index lag measured is Whoosh's
            "PARLEY_RATELIMIT_DISABLED": "1",
        }
        log = (scratch / f"server-{n}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--serve", str(port)], env=env, stdout=log, stderr=log
        )
        servers.append((process, port))
    for process, port in servers:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"instance on port {port} did not start (see {scratch})")
            time.sleep(0.1)


def report_server_errors(scratch: Path) -> None:
    """The distinct exceptions the instances logged (the last line of each traceback)."""
    seen: Counter[str] = Counter()
    for log in sorted(scratch.glob("server-*.log")):
        lines = log.read_text(errors="replace").splitlines()
        for index, line in enumerate(lines):
            if line.startswith("Traceback"):
                end = index + 1
                while end < len(lines) and lines[end].startswith((" ", "\t")):
                    end += 1
                if end < len(lines):
                    seen[lines[end][:200]] += 1
    for message, count in seen.most_common(10):
        print(f"  server: {count} x {message}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--members", type=int, default=16)
    parser.add_argument("--suppliers", type=int, default=5, help="posts per member")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0

    with tempfile.TemporaryDirectory(prefix="parley-load-") as name:
        scratch = Path(name)
        url, drop = prepare_database(args.database_url, scratch)
        search_dir = scratch / "search"
        settings = Settings(
            database_url=url,
            secret_key=SECRET,
            instance_path=scratch / "main",
            search_dir=search_dir,
            search_backend="whoosh",  # the index lag measured is Whoosh's
            ratelimit_enabled=False,
        )
        app = create_app(settings)
        servers: list[Any] = []
        try:
            cast = seed(app, args.members, args.suppliers)
            start_servers(url, scratch, search_dir, args.instances, servers)
            return run(app, cast, [port for _, port in servers], search_dir, args, url)
        finally:
            for process, _ in servers:
                process.terminate()
                process.wait(timeout=30)
            report_server_errors(scratch)
            get_db(app).engine.dispose()
            drop()


def run(app: Any, cast: Cast, ports: list[int], search_dir: Path, args: Any, url: str) -> int:
    rng = random.Random(args.seed)
    tally = Tally()
    queues: list[list[int]] = [[] for _ in cast.suppliers]
    watch = IndexWatch(search_dir, tally)
    watch.start()
    done = threading.Event()
    started = time.monotonic()
    members = [
        threading.Thread(
            target=member_work,
            args=(Visitor(c, ports, tally, random.Random(rng.random())), m, cast, queues),
        )
        for c, m in zip(cast.members, cast.member_ids, strict=True)
    ]
    speakers = [
        threading.Thread(
            target=speaker_work,
            args=(Visitor(c, ports, tally, random.Random(rng.random())), q, done),
        )
        for c, q in zip(cast.representatives, queues, strict=True)
    ]
    for thread in members + speakers:
        thread.start()
    for thread in members:
        thread.join()
    done.set()
    for thread in speakers:
        thread.join()
    elapsed = time.monotonic() - started
    # Let the index catch up with the last writes (bounded), then compare.
    deadline = time.monotonic() + 30
    public = public_review_ids(app)
    while time.monotonic() < deadline:
        indexed = {int(k.split(":")[1]) for k in watch.look() if k.startswith("review:")}
        if indexed == public:
            break
        time.sleep(0.05)
    watch.stop.set()
    watch.join()
    latencies = [
        watch.seen[i] - at
        for i, at in tally.posted.items()
        if i in watch.seen and i not in tally.withdrawn
    ]
    lost = missing_writes(app, tally)
    drift = drift_count(app)
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)

    print(f"database            {make_url(url).get_backend_name()}, {len(ports)} instances")
    print(
        f"load                {args.members} members x {args.suppliers} suppliers, {elapsed:.1f} s"
    )
    print(
        f"requests            {sum(tally.statuses.values())}  "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(tally.statuses.items()))})"
    )
    print(f"5xx                 {server_errors}")
    print(
        f"acknowledged writes {len(tally.posted)} posts, {len(tally.withdrawn)} withdrawals, "
        f"{len(tally.answered)} answers, {len(tally.proffered)} proffers"
    )
    print(f"acknowledged-but-missing {len(lost)}")
    print(f"aggregate drift     {drift}")
    print(
        f"index drift         {len(indexed ^ public)} "
        f"({len(public - indexed)} missing, {len(indexed - public)} extra)"
    )
    print(
        f"commit→searchable   p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"max {max(latencies, default=float('nan')) * 1000:.0f} ms "
        f"({len(latencies)} posts)"
    )
    for line in (tally.errors + lost)[:20]:
        print(f"  {line}")
    missed = server_errors or lost or drift or indexed != public
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
