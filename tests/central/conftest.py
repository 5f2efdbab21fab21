"""A real PostgreSQL for the central's tests: one throwaway cluster per session, one database per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from central.schema import migrate
from tests.pg import PostgresCluster


@pytest.fixture(scope="package")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server of these tests' own (initdb in a temporary folder, a free port), stopped after them."""
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> Iterator[str]:
    """A new, migrated database for one test."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture
def pg(pg_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the test's database."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def central(pg_url: str):
    """The central app in-process, driven through its own HTTP client (refresher running)."""
    from fastapi.testclient import TestClient

    from central.app import CentralSettings, create_app

    app = create_app(CentralSettings(pg=pg_url, refresh_interval=0.05))
    with TestClient(app) as client:
        yield client
