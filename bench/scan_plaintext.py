#!/usr/bin/env python3
"""Scans files for resident ID numbers in clear (GB 11643: 6-digit region, birth date, sequence,
checksum), as whole tokens (not inside a longer run of letters or digits, so hashes and sealed
base64 do not count unless they hold one as a token). Gzip files are read decompressed. Prints one
line per file with its count and exits 1 if any file holds one.

    scan_plaintext.py PATH...   (folders are walked)
"""
import gzip, os, re, sys

PATTERN = re.compile(rb"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx])(?![0-9A-Za-z])")
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def valid(id_bytes):
    s = id_bytes.decode().upper()
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], W)) % 11] == s[17]


def scan(path):
    opener = gzip.open if path.endswith((".gz", ".kbak")) else open
    found, tail, offset = 0, b"", 0
    with opener(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            last = len(chunk) < (1 << 22)
            data = tail + chunk
            # Count matches starting before the last 40 bytes (those are read again with the next
            # chunk), or every match at the end of the file.
            for m in PATTERN.finditer(data):
                if last or m.start() < len(data) - 40:
                    found += valid(m.group(1))
            if last:
                break
            tail = data[-40:]
    return found


def main():
    files = []
    for p in sys.argv[1:]:
        if os.path.isdir(p):
            files += [os.path.join(d, n) for d, _, ns in os.walk(p) for n in ns]
        else:
            files.append(p)
    total = 0
    for path in sorted(files):
        n = scan(path)
        total += n
        print(f"{n:>8}  {path} ({os.path.getsize(path) / 1e6:.1f} MB)")
    print(f"{total:>8}  ID numbers in clear in {len(files)} files")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
