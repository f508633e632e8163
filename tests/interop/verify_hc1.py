#!/usr/bin/env python3
"""Independent check of VaxPass certificates: decode and verify HC1 strings with Python's
zlib, cbor2 and cryptography only, sharing no code with the Rust implementation.

Usage: verify_hc1.py CASES.json
CASES.json: [{"hc1": "HC1:...", "dsc_pem": "-----BEGIN CERTIFICATE-----...", "expect": {...}}]
Prints one line per certificate; exits 1 if any check fails.
"""
import hashlib
import json
import sys
import zlib

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    values = [ALPHABET.index(c) for c in text]
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise ValueError("base45 triplet overflow")
            out += bytes([n >> 8, n & 0xFF])
        elif len(chunk) == 2:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise ValueError("base45 pair overflow")
            out.append(n)
        else:
            raise ValueError("dangling base45 character")
    return bytes(out)


def check(case):
    hc1 = case["hc1"]
    assert hc1.startswith("HC1:"), "prefix"
    cose_bytes = zlib.decompress(b45decode(hc1[4:]))
    obj = cbor2.loads(cose_bytes)
    assert isinstance(obj, cbor2.CBORTag) and obj.tag == 18, "COSE_Sign1 tag 18"
    protected_bytes, unprotected, payload, signature = obj.value
    protected = cbor2.loads(protected_bytes)
    alg, kid = protected[1], protected[4]
    cert = x509.load_pem_x509_certificate(case["dsc_pem"].encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    assert kid == hashlib.sha256(der).digest()[:8], "kid = SHA-256(DSC)[:8]"
    to_be_signed = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
    key = cert.public_key()
    if alg == -7:
        assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
        assert len(signature) == 64
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        key.verify(utils.encode_dss_signature(r, s), to_be_signed, ec.ECDSA(hashes.SHA256()))
    elif alg == -37:
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(
            signature,
            to_be_signed,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
    else:
        raise AssertionError(f"unexpected alg {alg}")
    # Tampering must be detected by this implementation too.
    try:
        bad = bytearray(to_be_signed)
        bad[-1] ^= 1
        if alg == -7:
            key.verify(utils.encode_dss_signature(r, s), bytes(bad), ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, bytes(bad), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        raise AssertionError("a tampered message verified")
    except InvalidSignature:
        pass
    claims = cbor2.loads(payload)
    assert claims[1] == "VN", "iss"
    assert isinstance(claims[6], int) and isinstance(claims[4], int) and claims[4] > claims[6]
    dcc = claims[-260][1]
    for k, v in case.get("expect", {}).items():
        got = dcc
        for part in k.split("."):
            got = got[int(part)] if isinstance(got, list) else got[part]
        assert got == v, f"{k}: {got!r} != {v!r}"
    return alg, dcc["nam"]["fnt"], dcc["v"][0]["ci"]


def main():
    cases = json.load(open(sys.argv[1], encoding="utf-8"))
    failures = 0
    for i, case in enumerate(cases):
        try:
            alg, fnt, ci = check(case)
            print(f"ok   {i}: alg {alg}, {fnt}, {ci}")
        except Exception as e:  # report every failure, then fail
            failures += 1
            print(f"FAIL {i}: {type(e).__name__}: {e}")
    print(f"{len(cases) - failures} verified, {failures} failed")
    sys.exit(1 if failures or not cases else 0)


if __name__ == "__main__":
    main()
