"""Passphrase encryption of backup archives, streamed in chunks.

A backup holds password hashes, two-factor secrets and session tokens, so an
archive that leaves the server should be encrypted. The key comes from the
passphrase through scrypt; the archive is cut into 64 KiB chunks, each sealed
with AES-256-GCM. Each chunk's nonce carries its number and whether it is the
last one (the STREAM construction), so chunks cannot be reordered, dropped or
cut off at the end without the decryption noticing. Only one chunk is held in
memory at a time.

Layout: MAGIC, then the header (scrypt cost, salt, nonce prefix), then a
16-byte check tag that tells a wrong passphrase apart from a damaged file,
then the sealed chunks.
"""
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"crm-backup-enc1\n"
CHUNK = 64 * 1024
TAG = 16
#: scrypt cost (2**17 × r=8: 128 MiB, about half a second), the OWASP recommendation.
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
#: a forged header must not make the import allocate gigabytes in scrypt.
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024
MIN_PASSPHRASE_LENGTH = 12
_HEADER = struct.Struct(">BBB16s7s")  # log2 n, r, p, salt, nonce prefix


class DecryptionError(ValueError):
    pass


class WrongPassphrase(DecryptionError):
    pass


def is_encrypted(path) -> bool:
    with open(path, "rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    kdf = Scrypt(salt=salt, length=32, n=2 ** log2_n, r=r, p=p)
    return AESGCM(kdf.derive(passphrase.encode("utf-8")))


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


def _check_nonce(prefix: bytes) -> bytes:
    return prefix + b"\xff" * 5  # never a chunk's nonce: a chunk's last byte is 0 or 1


class EncryptingWriter:
    """A write-only stream that seals what is written to `target` (zipfile writes into it as into a pipe)."""

    def __init__(self, target: BinaryIO, passphrase: str):
        salt, self._prefix = os.urandom(16), os.urandom(7)
        self._header = MAGIC + _HEADER.pack(SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, self._prefix)
        self._aead = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._target = target
        self._buffer = bytearray()
        self._number = 0
        target.write(self._header)
        target.write(self._aead.encrypt(_check_nonce(self._prefix), b"", self._header))

    def write(self, data) -> int:
        self._buffer += data
        # keep at least one byte back: the last chunk is sealed as the last one in close()
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        if self._buffer is not None:
            self._seal(bytes(self._buffer), last=True)
            self._buffer = None
            self._target.flush()

    def _seal(self, plain: bytes, last: bool) -> None:
        self._target.write(self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self._header))
        self._number += 1


def decrypt(source: BinaryIO, target: BinaryIO, passphrase: str) -> int:
    """Open `source` into `target` chunk by chunk; returns the bytes written.

    Raises WrongPassphrase when the check tag does not open, DecryptionError when the file is damaged or cut off.
    """
    if source.read(len(MAGIC)) != MAGIC:
        raise DecryptionError("not an encrypted backup")
    packed = source.read(_HEADER.size)
    if len(packed) != _HEADER.size:
        raise DecryptionError("the file is cut off")
    log2_n, r, p, salt, prefix = _HEADER.unpack(packed)
    if not (10 <= log2_n <= 24 and 1 <= r <= 32 and 1 <= p <= 16) or 128 * r * 2 ** log2_n * p > SCRYPT_MAX_MEMORY:
        raise DecryptionError("the file's header is damaged")
    header = MAGIC + packed
    aead = _key(passphrase, salt, log2_n, r, p)
    try:
        aead.decrypt(_check_nonce(prefix), source.read(TAG), header)
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase") from None
    written, number = 0, 0
    sealed = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        if len(sealed) < TAG or (not last and len(sealed) != CHUNK + TAG):
            raise DecryptionError("the file is damaged or cut off")
        try:
            plain = aead.decrypt(_nonce(prefix, number, last), sealed, header)
        except InvalidTag:
            raise DecryptionError("the file is damaged or cut off") from None
        target.write(plain)
        written += len(plain)
        if last:
            return written
        sealed, number = following, number + 1
