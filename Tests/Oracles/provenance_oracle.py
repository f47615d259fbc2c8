#!/usr/bin/env python3
"""Independent reader of signed study files, written from docs/FORMAT.md alone ("File layout", "Header",
"Content digest", "Study manifest", "Site statement"): parses a study manifest and containers, verifies the
coordinator's and the sites' Ed25519 signatures with the `cryptography` package and recomputes every digest.

Usage: provenance_oracle.py MANIFEST FILE...   Prints one JSON object; exit 0 even when something fails to
verify (the report says what), exit 2 on unreadable input.
"""
import hashlib
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAGIC = bytes([0x89, 0x48, 0x45, 0x54, 0x4B, 0x0D, 0x0A, 0x1A])


class Reader:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated at byte %d" % self.pos)
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack("<H", self.take(2))[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def blob(self): return self.take(self.u32())
    def string(self): return self.blob().decode("utf-8")
    def strings(self): return [self.string() for _ in range(self.u32())]


def verifies(public_key, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except InvalidSignature:
        return False


def read_manifest(data):
    r = Reader(data)
    assert r.take(4) == b"HEMF" and r.u16() == 1 and r.u16() == 0, "not a version-1 manifest"
    m = {"version": r.u32(), "previousDigest": r.take(32).hex(), "study": r.string()}
    coordinator = r.take(32)
    m["encryptionFingerprint"] = r.take(32).hex()
    m["maxValue"], m["maxSites"], flags = r.u64(), r.u32(), r.u8()
    assert r.u8() == 0 and r.u16() == 0
    m["inputsRequired"], m["testStudy"] = bool(flags & 1), bool(flags & 2)
    m["policy"] = {}
    for _ in range(r.u32()):
        k = r.string()
        m["policy"][k] = r.string()
    roster = {}
    for _ in range(r.u32()):
        site = r.string()
        roster[site] = r.take(32)
    body_end = r.pos
    signature = r.take(64)
    assert r.pos == len(data), "bytes after the signature"
    m["signatureVerifies"] = verifies(coordinator, signature, b"he-toolkit study manifest v1\x00" + data[:body_end])
    m["coordinatorFingerprint"] = hashlib.sha256(coordinator).hexdigest()
    m["roster"] = {site: hashlib.sha256(key).hexdigest() for site, key in roster.items()}
    m["digest"] = hashlib.sha256(data).hexdigest()
    return m, roster


def read_container(data):
    assert data[:8] == MAGIC, "not a container"
    version, reserved, hlen = struct.unpack("<HHI", data[8:16])
    assert version in (2, 3) and reserved == 0
    header = data[16:16 + hlen]
    assert hashlib.sha256(data[:16 + hlen]).digest() == data[16 + hlen:48 + hlen], "header digest"
    r = Reader(header)
    scheme, kind, _ = r.u8(), r.u8(), r.u16()
    r.take(32)
    key_fingerprint = r.take(32).hex()
    r.blob()
    r.u64()
    contributors = r.strings()
    chunk_count, payload_bytes = r.u32(), r.u64()
    r.blob()
    without_statements = r.pos
    statements = [r.blob() for _ in range(r.u32())] if version == 3 else []
    assert r.pos == len(header), "header length"
    pos, chunks = 48 + hlen, []
    for _ in range(chunk_count):
        (n,) = struct.unpack("<I", data[pos:pos + 4])
        chunks.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    assert hashlib.sha256(data[:pos]).digest() == data[pos:pos + 32] and pos + 32 == len(data), "file digest"
    # Content digest: the header as written with no statements field (the bytes before it), then the chunks.
    h = hashlib.sha256(b"he-toolkit content digest v1\x00" + struct.pack("<I", without_statements)
                       + header[:without_statements])
    for c in chunks:
        h.update(struct.pack("<I", len(c)) + c)
    return {"formatVersion": version, "kind": kind, "scheme": scheme, "contributors": contributors,
            "publicKeyFingerprint": key_fingerprint, "contentDigest": h.hexdigest()}, statements


def read_statement(blob):
    r = Reader(blob)
    assert r.u16() == 1 and r.u16() == 0
    s = {"study": r.string(), "manifestDigest": r.take(32).hex(), "site": r.string(),
         "contentDigest": r.take(32).hex(), "createdMilliseconds": r.u64(), "nonce": r.take(16).hex()}
    signed_end = r.pos
    signature = r.take(64)
    assert r.pos == len(blob), "statement length"
    return s, b"he-toolkit site statement v1\x00" + blob[:signed_end], signature


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], "rb") as f:
        manifest, roster = read_manifest(f.read())
    files = []
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            info, blobs = read_container(f.read())
        info["path"], info["statements"] = path, []
        for blob in blobs:
            s, message, signature = read_statement(blob)
            key = roster.get(s["site"])
            s["verifies"] = (key is not None and verifies(key, signature, message) and s["study"] == manifest["study"]
                             and s["manifestDigest"] == manifest["digest"]
                             and (info["kind"] != 3 or s["contentDigest"] == info["contentDigest"]))
            info["statements"].append(s)
        files.append(info)
    print(json.dumps({"manifest": manifest, "files": files}))


if __name__ == "__main__":
    main()
