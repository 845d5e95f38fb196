"""Traffic of the load test (tests/bench/load_test.py runs it; not collected by pytest).

Anonymous visitors read the content API, search and ask for suggestions in their languages; staff
walk referrals through their whole process over the JSON API with API tokens, at a steady rate.
The cast (tokens, service, sample data) comes from the JSON file named by LOADTEST_CAST.
"""

import json
import os
import random

from locust import FastHttpUser, constant_throughput, events, task

CAST = json.loads(open(os.environ["LOADTEST_CAST"]).read())  # noqa: SIM115
HTTPS = {"X-Forwarded-Proto": "https"}  # what nginx sends; production settings redirect plain HTTP

QUERIES = {
    "it": ["casa", "lavoro", "corso di italiano", "mediazione", "documenti", "famiglie", "affitto", "sportello"],
    "en": ["housing", "job", "italian course", "documents", "family", "rent"],
    "fr": ["logement", "travail", "cours d'italien", "documents", "famille"],
    "es": ["vivienda", "trabajo", "documentos", "familia"],
    "ar": ["السكن", "العمل", "دورات اللغة الإيطالية", "الوثائق"],
    "uk": ["житло", "робота", "документи", "сім'ї"],
    "ro": ["locuință", "muncă", "documente", "familie"],
    "sq": ["strehim", "punë", "dokumente"],
    "zh-hans": ["住房", "就业", "意大利语课程"],
}
PREFIXES = ["cas", "lav", "hou", "log", "med", "doc", "fam", "cor", "ita", "spo", "mon", "lec"]


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--anonymous-rate", type=float, default=1.0, help="requests/s of each anonymous user")


class Visitor(FastHttpUser):
    """The public: content API, search and suggestions (anonymous)."""

    weight = 10

    def wait_time(self):
        return constant_throughput(self.environment.parsed_options.anonymous_rate)(self)

    def on_start(self):
        self.client.client.default_headers = {**(self.client.client.default_headers or {}), **HTTPS}

    @task(4)
    def service_list(self):
        language = random.choice(list(QUERIES))
        page = random.randint(1, 20)
        params = f"lang={language}&page={page}&page_size=20"
        if random.random() < 0.5:
            params += f"&theme={random.choice(CAST['themes'])}"
        self.client.get(f"/api/directory/services/?{params}", headers=HTTPS, name="/api/directory/services/")

    @task(2)
    def service_detail(self):
        self.client.get(
            f"/api/directory/services/{random.choice(CAST['service_uuids'])}/?lang={random.choice(list(QUERIES))}",
            headers=HTTPS,
            name="/api/directory/services/{uuid}/",
        )

    @task(1)
    def guideline_pages(self):
        self.client.get(f"/api/v2/pages/?lang={random.choice(list(QUERIES))}", headers=HTTPS, name="/api/v2/pages/")

    @task(3)
    def search(self):
        language = random.choice(list(QUERIES))
        params = {"q": random.choice(QUERIES[language]), "lang": language}
        if random.random() < 0.6:
            params["ambito"] = random.choice(CAST["ambiti"])
        if random.random() < 0.6:
            params["theme"] = random.choice(CAST["themes"])
        self.client.get("/api/search/", params=params, headers=HTTPS, name="/api/search/")

    @task(3)
    def suggest(self):
        self.client.get(
            "/api/search/suggest/",
            params={"q": random.choice(PREFIXES), "lang": random.choice(list(QUERIES))},
            headers=HTTPS,
            name="/api/search/suggest/",
        )


class Staff(FastHttpUser):
    """Social worker, network manager, coordinator and volunteer walking one referral at a time."""

    weight = 1
    fixed_count = 1
    wait_time = constant_throughput(0.5)  # one transition every two seconds

    def on_start(self):
        self.steps = self.lifecycle()

    def auth(self, role):
        return {**HTTPS, "Authorization": f"Token {CAST['tokens'][role]}"}

    def post(self, role, path, body, name):
        with self.client.post(path, json=body, headers=self.auth(role), name=name, catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()

    def lifecycle(self):
        """One transition per call of next(): start+submit, triage, accept, claim, outcome, close."""
        while True:
            created = self.post(
                "social_worker",
                "/api/referrals/",
                {
                    "beneficiary": {"first_name": "Load", "last_name": "Test"},
                    "service": CAST["service_id"],
                    "theme": "housing",
                    "need": "Load test: looking for a room to rent.",
                    "municipality": CAST["office_istat"],
                    "consent": {"given_on": "2026-01-01", "method": "signed_form"},
                    "submit": True,
                },
                "POST /api/referrals/ (start+submit)",
            )
            yield
            if not created:
                continue
            pk = created["id"]
            self.post("network_manager", f"/api/referrals/{pk}/triage/", {"decision": "approve"}, "POST triage")
            yield
            self.post("coordinator", f"/api/referrals/{pk}/review/", {"decision": "accept"}, "POST review")
            yield
            queue = self.client.get(
                "/api/referrals/queue/", headers=self.auth("volunteer"), name="GET /api/referrals/queue/"
            ).json()
            tasks = [t["id"] for t in queue.get("results", []) if t["referral"] == pk]
            if not tasks:
                continue
            self.post("volunteer", f"/api/referrals/tasks/{tasks[0]}/claim/", {}, "POST claim")
            yield
            self.post(
                "volunteer",
                f"/api/referrals/tasks/{tasks[0]}/outcome/",
                {"outcome": "help_received", "note": "Found a room."},
                "POST outcome",
            )
            yield
            self.post("social_worker", f"/api/referrals/{pk}/close/", {"result": "completed"}, "POST close")
            yield

    @task
    def step(self):
        next(self.steps)
