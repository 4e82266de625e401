"""A reader of OLE2 compound files (the container of .xls), careful with hostile ones.

Only what the .xls checks need: the directory (names, kinds and declared sizes of the entries)
and the bytes of one stream. It follows the same sector chains that python-calamine follows
afterwards (the DIFAT, the directory, the mini stream and its table, the workbook stream), each
with a visited set and a bound: a cycle, which would make python-calamine loop and grow without
end, or a sector past the end of the file or of its allocation table, where python-calamine
would panic, is a `CompoundFileError` here, before python-calamine sees the file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER = 512
RESERVED = 0xFFFFFFFA  # sector numbers from this one on are markers
DIFAT_SECTOR = 0xFFFFFFFC
END_OF_CHAIN = 0xFFFFFFFE
MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
MINI_SECTOR = 64
STORAGE, STREAM, ROOT = 1, 2, 5


class CompoundFileError(Exception):
    """The compound file cannot be read; the message says what is wrong (for the log)."""


@dataclass(frozen=True)
class Entry:
    name: str  # as python-calamine reads it: the 64 bytes of UTF-16 up to the first NUL
    kind: int  # STORAGE, STREAM or ROOT (0: unused)
    start: int
    size: int


class CompoundFile:
    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER or not data.startswith(MAGIC):
            raise CompoundFileError("no OLE2 header")
        if data[28:30] != b"\xfe\xff":
            raise CompoundFileError("byte order mark missing")
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise CompoundFileError(f"unsupported sector shift {sector_shift}/{mini_shift}")
        self.data = data
        self.sector_size = 1 << sector_shift
        self.sectors = (len(data) - 1) // self.sector_size  # the header fills sector -1
        dir_start, = struct.unpack_from("<I", data, 48)
        minifat_start, minifat_count, difat_start = struct.unpack_from("<III", data, 60)
        self.fat = self._fat(difat_start)
        self.entries = self._directory(dir_start)
        root = self.entries[0] if self.entries else None
        if root is None or root.kind != ROOT:
            raise CompoundFileError("no root entry")
        self.minifat: list[int] = []
        self.ministream = b""
        if minifat_count:
            if minifat_count > self.sectors:
                raise CompoundFileError("a mini table longer than the file")
            self.ministream = self._regular(root.start, root.size, exact=False)
            chain = self._chain(minifat_start, limit=minifat_count, exact=False)
            raw = b"".join(self._sector(s) for s in chain)
            self.minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    # -- sectors ---------------------------------------------------------------------------
    def _sector(self, sid: int) -> bytes:
        if sid >= self.sectors:
            raise CompoundFileError(f"sector {sid} is past the end of the file")
        offset = (sid + 1) * self.sector_size
        return self.data[offset:offset + self.sector_size]

    def _fat(self, difat_start: int) -> list[int]:
        """The allocation table, from the sectors the DIFAT lists: its first 109 entries are in
        the header, the rest in a chain of DIFAT sectors whose last entry names the next one."""
        per_sector = self.sector_size // 4
        difat = list(struct.unpack_from("<109I", self.data, 76))
        seen: set[int] = set()
        sid = difat_start
        while sid < RESERVED:
            if sid in seen:
                raise CompoundFileError("cycle in the DIFAT")
            seen.add(sid)
            sector = self._sector(sid)
            if len(sector) < self.sector_size:
                raise CompoundFileError("a DIFAT sector is cut")
            difat.extend(struct.unpack(f"<{per_sector}I", sector))
            sid = difat.pop()
        sids = [s for s in difat if s < DIFAT_SECTOR]
        if len(set(sids)) != len(sids):
            raise CompoundFileError("a FAT sector is listed twice")
        fat: list[int] = []
        for sid in sids:
            sector = self._sector(sid).ljust(self.sector_size, b"\xff")
            fat.extend(struct.unpack(f"<{per_sector}I", sector))
        return fat

    def _chain(
        self, start: int, table: list[int] | None = None, limit: int | None = None,
        exact: bool = True,
    ) -> list[int]:
        """The sector numbers of a chain, start first: at most `limit` of them (when `exact`,
        the chain must end right there)."""
        table = self.fat if table is None else table
        chain: list[int] = []
        seen: set[int] = set()
        sid = start
        while sid != END_OF_CHAIN:
            if limit is not None and len(chain) >= limit:
                if exact:
                    raise CompoundFileError("sector chain longer than its stream")
                break
            if sid >= len(table) or sid in seen:
                raise CompoundFileError(f"broken sector chain at {sid}")
            seen.add(sid)
            chain.append(sid)
            sid = table[sid]
        return chain

    def _regular(self, start: int, size: int, exact: bool = True) -> bytes:
        if size == 0:
            return b""
        needed = (size + self.sector_size - 1) // self.sector_size
        if needed > self.sectors:
            raise CompoundFileError("a stream longer than the file")
        chain = self._chain(start, limit=needed, exact=exact)
        if exact and len(chain) < needed:
            raise CompoundFileError("stream shorter than its declared size")
        return b"".join(self._sector(s) for s in chain)[:size]

    def _directory(self, start: int) -> list[Entry]:
        raw = b"".join(self._sector(s) for s in self._chain(start))
        entries = []
        small = self.sector_size == 512
        for offset in range(0, len(raw) - 127, 128):
            name = raw[offset:offset + 64].decode("utf-16-le", "replace").split("\0", 1)[0]
            kind = raw[offset + 66]
            first, low, high = struct.unpack_from("<III", raw, offset + 116)
            entries.append(Entry(name, kind, first, low if small else low | high << 32))
        return entries

    # -- streams ---------------------------------------------------------------------------
    def find(self, *names: str) -> Entry | None:
        """The entry python-calamine reads for the first of `names` that is there: the first in
        directory order with exactly that name."""
        for name in names:
            for entry in self.entries:
                if entry.name == name:
                    return entry
        return None

    def read(self, entry: Entry) -> bytes:
        if entry.size >= MINI_CUTOFF:
            return self._regular(entry.start, entry.size)
        if entry.size == 0:
            return b""
        needed = (entry.size + MINI_SECTOR - 1) // MINI_SECTOR
        chain = self._chain(entry.start, self.minifat, limit=needed)
        if len(chain) < needed:
            raise CompoundFileError("mini stream shorter than its declared size")
        data = b"".join(self.ministream[s * MINI_SECTOR:(s + 1) * MINI_SECTOR] for s in chain)
        if len(data) < entry.size:
            raise CompoundFileError("mini stream past the end of the root stream")
        return data[:entry.size]
