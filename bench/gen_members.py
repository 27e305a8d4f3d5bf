#!/usr/bin/env python3
"""Writes a members import file (CSV, UTF-8) of N rows with valid, distinct GB 11643 ID numbers,
for the crash-safety script and import benchmarks. Usage: gen_members.py N OUT.csv [REGION]"""
import sys, datetime

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def resident_id(region, birth, seq):
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, W)) % 11]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    region = sys.argv[3] if len(sys.argv) > 3 else "430402"
    start = datetime.date(1960, 1, 1)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("所属组织,姓名,公民身份号码,工作单位,会员类别,入会日期\n")
        for i in range(n):
            birth = start + datetime.timedelta(days=i // 1000)
            joined = datetime.date(2009, 1 + i % 12, 1 + i % 28)
            f.write(f",会员{i},{resident_id(region, birth, i % 1000)},衡阳某公司,职工,{joined}\n")


if __name__ == "__main__":
    main()
