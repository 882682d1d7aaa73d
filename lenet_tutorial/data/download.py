"""Downloading a data file from its mirrors, safely.

Mirrors die in odd ways: a 403, a parked domain serving an HTML page with status
200, a connection cut half-way. So every mirror is tried in turn, and a mirror's
answer only counts once it has the published size and SHA-256. The body is
written to a temporary name beside the destination and renamed only once
verified, so no half-written file ever sits under the real name. When every
mirror fails, one error lists each attempt with its reason and says how to supply
the file by hand.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.std import tqdm

from .files import DATA_ENV, DataFile, DataFileError

# Seconds a mirror may stay silent (to connect, or between two reads) before it is
# skipped: a machine with no network fails in seconds, not minutes.
TIMEOUT_S = 8.0
PROGRESS_MIN_BYTES = 1_000_000
_CHUNK = 1 << 16


class MirrorError(Exception):
    """One mirror's answer was unusable; the message says why."""


def _fetch_verified(url: str, spec: DataFile, directory: Path) -> Path:
    """Download ``url`` into a temporary file in ``directory``; return it only if verified."""
    request = urllib.request.Request(url, headers={"User-Agent": "lenet-tutorial"})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as e:
        raise MirrorError(f"HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        raise MirrorError(f"no connection ({getattr(e, 'reason', e)})") from None
    with response:
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower():
            raise MirrorError(f"served an HTML page ({content_type}), not the file")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=directory)
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        received = 0
        try:
            with (
                os.fdopen(fd, "wb") as out,
                tqdm(
                    total=spec.size,
                    unit="B",
                    unit_scale=True,
                    desc=spec.name,
                    file=sys.stderr,
                    disable=spec.size < PROGRESS_MIN_BYTES,
                ) as bar,
            ):
                while chunk := response.read(_CHUNK):
                    if received == 0 and chunk.lstrip()[:1] == b"<":
                        raise MirrorError("served an HTML page, not the file")
                    received += len(chunk)
                    if received > spec.size:
                        raise MirrorError(f"sent more than the expected {spec.size:,} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                    bar.update(len(chunk))
            if received != spec.size:
                raise MirrorError(f"truncated: {received:,} of {spec.size:,} bytes")
            if digest.hexdigest() != spec.sha256:
                raise MirrorError(f"wrong checksum {digest.hexdigest()}")
        except (OSError, TimeoutError) as e:
            tmp.unlink(missing_ok=True)
            raise MirrorError(f"connection broke off ({e})") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return tmp


def download_file(
    spec: DataFile,
    directory: Path,
    *,
    mirrors: tuple[str, ...] | None = None,
    looked: list[str] | None = None,
) -> Path:
    """Download ``spec`` into ``directory`` from the first mirror that serves it intact."""
    directory.mkdir(parents=True, exist_ok=True)
    destination = directory / spec.name
    attempts = []
    for base in mirrors if mirrors is not None else spec.mirrors:
        url = base + spec.name
        try:
            tmp = _fetch_verified(url, spec, directory)
        except MirrorError as e:
            attempts.append(f"  {url}: {e}")
            continue
        os.replace(tmp, destination)
        return destination
    looked_text = "".join(f"  {p}\n" for p in looked or [])
    raise DataFileError(
        f"could not get {spec.name}: every mirror failed.\n"
        + "".join(a + "\n" for a in attempts)
        + (f"No local copy was found either; looked in:\n{looked_text}" if looked_text else "")
        + f"To work offline, place the file at <DIR>/{spec.relative_path} (sha256 {spec.sha256}) "
        f"and set the environment variable {DATA_ENV}=<DIR>."
    )
