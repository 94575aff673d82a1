"""The same storage cases against LocalStorage and against S3 (moto's real HTTP server)."""

import io
import os
import uuid
from urllib.request import urlopen

import pytest

from compete.storage.backends import LocalStorage, S3Storage, StorageError
from tests.conftest import free_port


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(str(tmp_path / "uploads"))
    endpoint = request.getfixturevalue("s3_endpoint")
    import boto3

    bucket = f"compete-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return S3Storage(bucket, "us-east-1", endpoint)


def test_round_trip_with_norwegian_key(storage):
    size = storage.save("submissions/1/skisse-æøå.pdf", io.BytesIO(b"%PDF-1.4 data"), "application/pdf")
    assert size == 13
    assert storage.exists("submissions/1/skisse-æøå.pdf")
    assert storage.read("submissions/1/skisse-æøå.pdf") == b"%PDF-1.4 data"


def test_twenty_megabytes_stream_back_intact(storage):
    data = os.urandom(20 * 1024 * 1024)
    storage.save("big/file.bin", io.BytesIO(data))
    chunks = list(storage.open("big/file.bin"))
    assert len(chunks) > 1
    assert b"".join(chunks) == data


def test_delete_and_missing(storage):
    storage.save("a/b", io.BytesIO(b"x"))
    storage.delete("a/b")
    assert storage.exists("a/b") is False
    with pytest.raises(StorageError):
        storage.read("a/b")


def test_path_traversal_is_contained(storage):
    storage.save("../../etc/evil", io.BytesIO(b"x"))
    assert storage.read("etc/evil") == b"x"


def test_check_passes(storage):
    storage.check()


def test_presigned_url_only_for_s3(storage):
    storage.save("p/q.pdf", io.BytesIO(b"%PDF-1.4 presigned"), "application/pdf")
    url = storage.presigned_url("p/q.pdf", "q.pdf", expires=60)
    if isinstance(storage, LocalStorage):
        assert url is None
    else:
        assert "X-Amz-Expires=60" in url
        with urlopen(url) as response:  # noqa: S310 - local moto server
            assert response.read() == b"%PDF-1.4 presigned"


def test_s3_outage_is_a_storage_error():
    outage = S3Storage("compete-down", "us-east-1", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageError):
        outage.save("x", io.BytesIO(b"x"))
    with pytest.raises(StorageError):
        outage.check()


def test_local_outage_is_a_storage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    outage = LocalStorage(str(blocker / "uploads"))
    with pytest.raises(StorageError):
        outage.save("x", io.BytesIO(b"x"))
    with pytest.raises(StorageError):
        outage.check()
