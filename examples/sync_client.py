#!/usr/bin/env python3
"""A minimal client that keeps a copy of Lingtouyan resources in sync (docs/api.md, "Sync").

    python examples/sync_client.py --url http://127.0.0.1:8000 --token <token> \
        [--state state.json] [--resource elections --resource election-results --resource seats]

It needs only `requests`. Each run reads every resource from its saved cursor (an empty
cursor the first time), upserts the rows by id, then reads /api/v1/deleted/ from its own
cursor and drops the deleted ids, and saves the copy and the cursors to --state. A row may
come twice (the cursor stays a little behind the present, so that nothing committed late is
missed): upserting by id makes that harmless.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import requests

DEFAULT_RESOURCES = ("elections", "election-results", "seats")


class ApiError(Exception):
    """An API error, from its problem details (RFC 9457)."""

    def __init__(self, problem: dict):
        self.problem = problem
        super().__init__(f"{problem.get('status')} {problem.get('code')}: {problem.get('detail')}")


class SyncClient:
    def __init__(self, url, token, resources=DEFAULT_RESOURCES, page_size=200, session=None):
        self.base = url.rstrip("/") + "/api/v1/"
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Authorization": f"Token {token}", "Accept": "application/json"}
        )
        self.resources = list(resources)
        self.page_size = page_size
        self.rows: dict[str, dict[int, dict]] = {resource: {} for resource in self.resources}
        self.cursors: dict[str, str] = {resource: "" for resource in [*self.resources, "deleted"]}

    # -- HTTP ---------------------------------------------------------------------------------

    def get(self, url, params=None) -> dict:
        for _attempt in range(5):
            response = self.session.get(url, params=params, timeout=60)
            if response.status_code == 429:  # throttled: wait as told, then try again
                time.sleep(int(response.headers.get("Retry-After", "1")))
                continue
            if response.headers.get("Content-Type", "").startswith("application/problem+json"):
                raise ApiError(response.json())
            response.raise_for_status()
            return response.json()
        raise ApiError({"status": 429, "code": "throttled", "detail": "gave up after retries"})

    def pages(self, resource: str):
        """Every page from the saved cursor; the cursor advances only once all are read."""
        url, params = (
            self.base + resource + "/",
            {
                "cursor": self.cursors[resource],
                "page_size": self.page_size,
            },
        )
        while True:
            body = self.get(url, params)
            yield body["results"]
            if not body["next"]:
                self.cursors[resource] = body["cursor"]
                return
            url, params = body["next"], None  # the next link carries the cursor

    # -- sync ---------------------------------------------------------------------------------

    def sync(self) -> dict[str, int]:
        """One sync of every resource, then the deletions; returns rows received per resource."""
        received = {}
        for resource in self.resources:
            received[resource] = 0
            for page in self.pages(resource):
                for row in page:
                    self.rows[resource][row["id"]] = row
                received[resource] += len(page)
        received["deleted"] = 0
        for page in self.pages("deleted"):
            for tombstone in page:
                self.rows.get(tombstone["resource"], {}).pop(tombstone["id"], None)
            received["deleted"] += len(page)
        return received

    # -- saved state --------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        if path.exists():
            saved = json.loads(path.read_text())
            self.cursors.update(saved["cursors"])
            for resource, rows in saved["rows"].items():
                self.rows[resource] = {int(pk): row for pk, row in rows.items()}

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps({"cursors": self.cursors, "rows": self.rows}, ensure_ascii=False)
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--state", type=Path, default=Path("lingtouyan-sync.json"))
    parser.add_argument("--resource", action="append", dest="resources")
    args = parser.parse_args(argv)
    client = SyncClient(args.url, args.token, args.resources or DEFAULT_RESOURCES)
    client.load(args.state)
    received = client.sync()
    client.save(args.state)
    for resource, count in received.items():
        held = len(client.rows.get(resource, {}))
        print(f"{resource}: {count} received" + ("" if resource == "deleted" else f", {held} held"))


if __name__ == "__main__":
    main()
