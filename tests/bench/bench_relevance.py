"""Relevance benchmark of the public search over the demo content, with a judged query set.

Not collected by pytest (tests/bench is excluded). Run from the repository root:

    .venv/bin/python tests/bench/bench_relevance.py            # figures
    .venv/bin/python tests/bench/bench_relevance.py --misses   # and the queries that miss, with the top 3

It starts its own osmem-server, creates a fresh test database (dropped at the end), loads the demo
content of ``make run`` (``load_demo_content``), builds the index, and asks every query of
relevance_queries.py twice in the same run: through the search API (``/api/search/``, first page of
10) and as a plain ``multi_match`` over the same index (the language's name and body fields and the
folded text, no fuzziness, no relaxing). For each side it prints:

- success@3: the share of queries with a relevant record among the first 3 results;
- MRR@10: the mean of 1/rank of the first relevant record among the first 10 (0 when none);
- zero-result rate: the share of queries answered with no result at all (every judged query has
  relevant records, so any zero result is a miss).
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site"), str(ROOT / "tests" / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from relevance_queries import QUERIES  # noqa: E402

from cms.models import GuidelinePage, Service  # noqa: E402
from devtools.osmem import start_engine  # noqa: E402
from search.client import get_client, reset_client  # noqa: E402
from search.documents import SEARCHABLE_TYPES  # noqa: E402
from search.index import alias_name, rebuild  # noqa: E402

TOP = 10


@dataclass
class Side:
    name: str
    successes: int = 0
    reciprocal_ranks: float = 0.0
    zero: int = 0
    misses: list = field(default_factory=list)

    def add(self, query, keys: list[str], relevant: set[str]):
        rank = next((position for position, key in enumerate(keys[:TOP], 1) if key in relevant), None)
        if rank is not None:
            self.reciprocal_ranks += 1 / rank
        if rank is not None and rank <= 3:
            self.successes += 1
        else:
            self.misses.append((query, rank, keys[:3]))
        self.zero += not keys

    def line(self, count: int) -> str:
        return (
            f"{self.name:34} {self.successes / count:10.3f} {self.reciprocal_ranks / count:8.3f} "
            f"{self.zero / count:10.3f}"
        )


def plain_body(q: str, language: str) -> dict:
    return {
        "size": TOP,
        "_source": ["doc_type", "record_id"],
        "query": {
            "bool": {
                "must": [
                    {"multi_match": {"query": q, "fields": [f"name.{language}^2", f"body.{language}", "text_folded"]}}
                ],
                "filter": [{"terms": {"doc_type": list(SEARCHABLE_TYPES)}}],
            }
        },
    }


class Judge:
    """Names each hit by what the judgements use: the service's template key, ``guideline:<slug>``."""

    def __init__(self):
        self.service_by_uuid, self.service_by_pk = {}, {}
        for pk, uuid, external_id in Service.objects.values_list("pk", "uuid", "external_id"):
            key = (external_id or "").rsplit("--", 1)[-1]
            self.service_by_uuid[str(uuid)] = self.service_by_pk[pk] = key
        self.guideline_by_pk = {pk: f"guideline:{slug}" for pk, slug in GuidelinePage.objects.values_list("pk", "slug")}

    def api_keys(self, results: list[dict]) -> list[str]:
        return [
            self.service_by_uuid.get(hit["id"], "?")
            if hit["type"] == "service"
            else self.guideline_by_pk.get(int(hit["id"]), "?")
            for hit in results
        ]

    def engine_keys(self, hits: list[dict]) -> list[str]:
        keys = []
        for hit in hits:
            source = hit["_source"]
            table = self.service_by_pk if source["doc_type"] == "service" else self.guideline_by_pk
            keys.append(table.get(source["record_id"], "?"))
        return keys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the queries without a relevant record in the top 3")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = tempfile.TemporaryDirectory(prefix="bench-relevance-")
        database.setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    settings.SEARCH_TIMEOUT_SECONDS = 30
    engine = start_engine()
    settings.ELASTICSEARCH_URL = engine.url
    reset_client()
    with contextlib.redirect_stdout(io.StringIO()):
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            call_command("load_demo_content")
        report = rebuild()
        get_client().indices.refresh(index=alias_name())
        judge = Judge()
        present = set(judge.service_by_pk.values()) | set(judge.guideline_by_pk.values())
        absent = [(language, q) for language, q, relevant in QUERIES if not relevant & present]
        assert not absent, f"judged queries without a relevant record in the demo content: {absent}"
        client, direct = Client(), get_client().options(request_timeout=30)
        api, plain = Side("search API"), Side("plain multi_match")
        languages = sorted({language for language, _q, _relevant in QUERIES})
        for language, q, relevant in QUERIES:
            response = client.get("/api/search/", {"q": q, "lang": language, "page_size": TOP})
            assert response.status_code == 200, (q, response.status_code, response.content[:300])
            api.add((language, q), judge.api_keys(response.json()["results"]), relevant)
            hits = direct.search(index=alias_name(), body=plain_body(q, language)).body["hits"]["hits"]
            plain.add((language, q), judge.engine_keys(hits), relevant)

        count = len(QUERIES)
        print(
            f"Demo content: {report.counts['service']} services, {report.counts['guideline']} guidelines; "
            f"{count} judged queries in {len(languages)} languages ({', '.join(languages)}); osmem-server."
        )
        print(f"{'':34} {'success@3':>10} {'MRR@10':>8} {'zero rate':>10}")
        for side in (api, plain):
            print(side.line(count))
        if args.misses:
            for side in (api, plain):
                print(f"\nMisses of the {side.name} ({len(side.misses)}):")
                for (language, q), rank, top in side.misses:
                    print(f"  [{language}] {q!r}: first relevant at {rank or '-'}; top 3: {', '.join(top) or 'none'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        engine.stop()
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
