#!/usr/bin/env python3
"""Independent reader of he-toolkit append-only log files, written from docs/AUDIT-LOG.md alone.

Reads a JSON request on stdin:
  {"log": path, "publicKey": hex of the 32-byte Ed25519 key,
   "inclusion": [{"proof": hex, "entry": hex, "signedHead": hex}, ...]}
and writes a JSON report on stdout:
  {"entries": n, "heads": [{"record": i, "size": s, "root": hex, "timestamp": ms, "signatureValid": bool}],
   "problems": [text, ...], "tornTailBytes": n, "inclusion": [bool, ...]}

Uses hashlib for SHA-256 and the `cryptography` package for Ed25519; nothing from the Swift code.
"""
import hashlib
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAGIC = b"\x89HELOG\r\n"
CONTEXT = b"he-toolkit/merkle-log/tree-head/v1"
ENTRY, TREE_HEAD = 1, 2


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """MTH of RFC 9162 section 2.1.1, by its recursive definition, over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_signature(public_key, message, signature):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except InvalidSignature:
        return False


def parse_head(body):
    size, = struct.unpack_from("<Q", body, 0)
    timestamp, = struct.unpack_from("<Q", body, 40)
    return size, body[8:40], timestamp, body[48:80]


def read_log(path, public_key):
    data = open(path, "rb").read()
    key_id = sha256(public_key)
    problems, heads, leaves = [], [], []
    if len(data) < 12 or data[:8] != MAGIC or struct.unpack_from("<HH", data, 8) != (1, 0):
        return {"entries": 0, "heads": [], "problems": ["bad file header"], "tornTailBytes": 0}
    offset, record, committed, pending = 12, 0, 12, []
    torn = False
    while offset < len(data):
        if len(data) - offset < 12:
            torn = True
            break
        kind = data[offset]
        length, = struct.unpack_from("<I", data, offset + 4)
        if data[offset + 8:offset + 12] != sha256(data[offset:offset + 8])[:4]:
            problems.append("record %d at %d: header check mismatch" % (record, offset))
            break
        if data[offset + 1:offset + 4] != b"\x00\x00\x00" or kind not in (ENTRY, TREE_HEAD):
            problems.append("record %d at %d: bad kind or reserved bytes" % (record, offset))
            break
        if (kind == TREE_HEAD and length != 144) or (kind == ENTRY and not 8 <= length <= 8 + (1 << 24)):
            problems.append("record %d at %d: bad length %d" % (record, offset, length))
            break
        end = offset + 12 + length + 32
        if end > len(data):
            torn = True
            break
        if sha256(data[offset:offset + 12 + length]) != data[offset + 12 + length:end]:
            problems.append("record %d at %d: checksum mismatch" % (record, offset))
        payload = data[offset + 12:offset + 12 + length]
        if kind == ENTRY:
            index, = struct.unpack_from("<Q", payload, 0)
            if index != len(leaves) + len(pending):
                problems.append("record %d: entry index %d, expected %d" % (record, index, len(leaves) + len(pending)))
            pending.append(leaf_hash(payload[8:]))
        else:
            leaves += pending
            pending = []
            body, signature = payload[:80], payload[80:]
            size, root, timestamp, head_key = parse_head(body)
            if size != len(leaves):
                problems.append("record %d: tree head size %d after %d entries" % (record, size, len(leaves)))
            elif mth(leaves) != root:
                problems.append("record %d: root mismatch" % record)
            if head_key != key_id:
                problems.append("record %d: key id mismatch" % record)
            valid = verify_signature(public_key, CONTEXT + body, signature)
            if not valid:
                problems.append("record %d: bad signature" % record)
            if heads and timestamp < heads[-1]["timestamp"]:
                problems.append("record %d: timestamp decreased" % record)
            heads.append({"record": record, "size": size, "root": root.hex(), "timestamp": timestamp,
                          "signatureValid": valid})
            committed = end
        record += 1
        offset = end
    torn_bytes = 0
    if committed < len(data) and not problems and (torn or offset == len(data)):
        torn_bytes = len(data) - committed
    elif committed < len(data) and not problems:
        problems.append("bytes after the last tree head that no append leaves")
    return {"entries": len(leaves), "heads": heads, "problems": problems, "tornTailBytes": torn_bytes}


def root_from_inclusion(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check_inclusion(request, public_key):
    proof = bytes.fromhex(request["proof"])
    entry = bytes.fromhex(request["entry"])
    signed = bytes.fromhex(request["signedHead"])
    if len(signed) != 144 or proof[:4] != b"HLIP" or proof[4] != 1 or len(proof) != 24 + 32 * proof[5]:
        return False
    body, signature = signed[:80], signed[80:]
    size, root, _, head_key = parse_head(body)
    if head_key != sha256(public_key) or not verify_signature(public_key, CONTEXT + body, signature):
        return False
    index, proof_size = struct.unpack_from("<QQ", proof, 8)
    path = [proof[24 + 32 * i:56 + 32 * i] for i in range(proof[5])]
    return proof_size == size and root_from_inclusion(index, size, leaf_hash(entry), path) == root


def main():
    request = json.load(sys.stdin)
    public_key = bytes.fromhex(request["publicKey"])
    report = read_log(request["log"], public_key)
    report["inclusion"] = [check_inclusion(item, public_key) for item in request.get("inclusion", [])]
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
