"""Receipts kept in S3-compatible object storage (moto's S3 server, over HTTP on a free port):
stored without their metadata, nothing on the server's disk, served only through the view
that checks access."""

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.conf import settings as django_settings
from PIL import Image

from backend.ventures.models import LedgerEntry, Venture
from tests.cluster.pg import free_port
from tests.conftest import ApiClient, World
from tests.ventures.conftest import make_venture, record
from tests.ventures.test_receipts_api import upload

pytestmark = pytest.mark.django_db

BUCKET = "impulsa-test-media"
KEYS = {"aws_access_key_id": "impulsa-test", "aws_secret_access_key": "impulsa-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port(range(0))  # any free port the system gives
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any) -> Any:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket=BUCKET)
    # The storage settings exactly as backend/settings.py builds them from the environment.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_options_from_environment(s3_endpoint),
            },
        },
    }
    yield s3
    for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=obj["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def _s3_options_from_environment(endpoint: str) -> dict[str, Any]:
    """Loads backend/settings.py afresh with the IMPULSA_S3_* variables set and returns the
    options it gives the default storage."""
    import importlib.util

    env = {
        "IMPULSA_S3_BUCKET": BUCKET,
        "IMPULSA_S3_ENDPOINT_URL": endpoint,
        "IMPULSA_S3_REGION": "us-east-1",
        "IMPULSA_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "IMPULSA_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        spec = importlib.util.spec_from_file_location(
            "impulsa_settings_s3", Path(django_settings.BASE_DIR) / "backend" / "settings.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    default = module.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    return dict(default["OPTIONS"])


@pytest.fixture
def venture(world: World) -> Venture:
    return make_venture(world.participant_a, world.programme_a)


def unique_photo() -> bytes:
    """A phone photo no other test makes (random pixels), with GPS EXIF and a comment."""
    img = Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3))
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (12.0, 3.0, 0.0), 3: "W", 4: (77.0, 2.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, comment=b"taken at Jr. Ayacucho 123")
    return out.getvalue()


def _files_holding(data: bytes, roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            try:
                if path.is_file() and data in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def test_a_receipt_goes_to_the_bucket_clean_and_comes_back_through_the_checked_view(
    world: World, venture: Venture, bucket: Any
) -> None:
    record(venture, "e1")
    photo = unique_photo()
    with Image.open(io.BytesIO(photo)) as img:
        assert img.getexif().get(0x8825)  # the photo really says where it was taken
    resp = upload(world.participant_a, "entries/e1/receipt", photo, "Ana.jpg")
    assert resp.status_code == 200, resp.content
    assert "http" not in resp.content.decode()  # no address of the object is ever handed out
    entry = LedgerEntry.objects.get(sync_id="e1", owner=world.participant_a)
    keys = {o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {entry.receipt.name, entry.receipt_thumbnail.name}
    stored = bucket.get_object(Bucket=BUCKET, Key=entry.receipt.name)
    body = stored["Body"].read()
    assert stored["CacheControl"] == "private, no-store"
    assert b"Ayacucho" not in body
    assert b"Exif" not in body
    with Image.open(io.BytesIO(body)) as img:
        assert img.format == "JPEG"
        assert not img.getexif()
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=entry.receipt.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)
    # Nothing of it on this server's disk: not in the media folder, not left in temp files.
    local = [Path(django_settings.VAR_DIR), Path(tempfile.gettempdir())]
    assert _files_holding(body[-4096:], local) == []
    # Served back only through the view that checks who may see it.
    served = ApiClient(world.participant_a).get("entries/e1/receipt")
    assert served.status_code == 200
    assert served.content == body
    assert served["Cache-Control"] == "private, no-store"
    assert ApiClient(world.manager).get("entries/e1/receipt").content == body
    for user in (world.participant_b, world.donor, world.other_manager):
        assert ApiClient(user).get("entries/e1/receipt").status_code == 404
