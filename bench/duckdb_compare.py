#!/usr/bin/env python3
"""Queries b and c of issue 5 in DuckDB beside kaohe's engine, on the same data, in one run.

    python3 bench/duckdb_compare.py --data-dir kaohe-data [--kaohe target/release/kaohe] [--reps 10]

Reads a kaohe SQLite database (the demo city, or the province from `kaohe demo --scale province`),
exports the columns the two queries read to CSV, loads them into an in-memory DuckDB with a
precomputed ancestor table (org, ancestor) — the best plan found for "every org over its
subtree" — and times:

  b  new members of the year by gender, for every org over its subtree;
  c  state-owned units with a workers' congress / all state-owned units, for every org.

Then runs `kaohe bench indicators` on the same database and prints both timings and the ratio
(goal: kaohe ≥ 4× faster than DuckDB with its default threads). The root org's figures from
DuckDB are checked against `kaohe eval`, so both sides count the same thing.

Needs: pip install duckdb; the sqlite3 command-line tool.
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb

YEAR = 2009


def export(db, sql, path):
    with open(path, "w") as out:
        subprocess.run(["sqlite3", "-csv", db, sql], stdout=out, check=True)


def ancestors(db, path):
    rows = subprocess.run(["sqlite3", "-csv", db, "SELECT id, path FROM orgs"], capture_output=True, text=True, check=True).stdout
    with open(path, "w", newline="") as out:
        w = csv.writer(out)
        for line in csv.reader(rows.splitlines()):
            org, p = int(line[0]), line[1]
            for i in range(0, len(p), 10):
                w.writerow([org, int(p[i : i + 10])])


def timed(con, sql, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        con.execute(sql).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="kaohe-data")
    ap.add_argument("--kaohe", default=os.path.expanduser("~/.cache/kaohe-target/release/kaohe"))
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    db = os.path.join(a.data_dir, "kaohe.db")
    tmp = tempfile.mkdtemp(prefix="kaohe-duckdb-")
    t = time.perf_counter()
    export(db, "SELECT org_id, f_joined_on, f_gender FROM r_members WHERE deleted_at IS NULL", f"{tmp}/members.csv")
    export(db, "SELECT org_id, f_ownership, COALESCE(f_has_congress, 0) FROM r_units WHERE deleted_at IS NULL", f"{tmp}/units.csv")
    ancestors(db, f"{tmp}/anc.csv")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE members AS SELECT * FROM read_csv('{tmp}/members.csv', header=false, columns={{'org_id': 'BIGINT', 'joined_on': 'DATE', 'gender': 'VARCHAR'}})")
    con.execute(f"CREATE TABLE units AS SELECT * FROM read_csv('{tmp}/units.csv', header=false, columns={{'org_id': 'BIGINT', 'ownership': 'VARCHAR', 'has_congress': 'INTEGER'}})")
    con.execute(f"CREATE TABLE anc AS SELECT * FROM read_csv('{tmp}/anc.csv', header=false, columns={{'org_id': 'BIGINT', 'anc_id': 'BIGINT'}})")
    n_members = con.execute("SELECT count(*) FROM members").fetchone()[0]
    n_orgs = con.execute("SELECT count(DISTINCT anc_id) FROM anc").fetchone()[0]
    print(f"exported and loaded {n_members} members, {n_orgs} orgs in {time.perf_counter() - t:.1f} s")
    b = f"""SELECT a.anc_id, m.gender, count(*) FROM members m JOIN anc a USING (org_id)
            WHERE m.joined_on BETWEEN DATE '{YEAR}-01-01' AND DATE '{YEAR}-12-31' GROUP BY 1, 2"""
    c = """SELECT a.anc_id, count(*) FILTER (WHERE u.has_congress = 1), count(*) FROM units u JOIN anc a USING (org_id)
           WHERE u.ownership = '国有' GROUP BY 1"""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    duck = {"b": timed(con, b, a.reps), "c": timed(con, c, a.reps)}
    con.execute("SET threads = 1")
    duck1 = {"b": timed(con, b, a.reps), "c": timed(con, c, a.reps)}

    # The same figures from kaohe, for the root org: they must agree.
    root_id, root_code = subprocess.run(["sqlite3", "-csv", db, "SELECT id, code FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1"], capture_output=True, text=True, check=True).stdout.strip().split(",")
    women_duck = con.execute(b.replace("GROUP BY 1, 2", "") .replace("SELECT a.anc_id, m.gender, count(*)", "SELECT count(*)") + f" AND a.anc_id = {root_id} AND m.gender = '女'").fetchone()[0]
    ev = subprocess.run([a.kaohe, "--data-dir", a.data_dir, "eval", f'count(members where joined_on in period and gender = "女")', "--org", root_code, "--period", str(YEAR), "--format", "json"], capture_output=True, text=True, check=True)
    women_kaohe = int(json.loads(ev.stdout)["rows"][0]["exact"])
    assert women_duck == women_kaohe, f"DuckDB counts {women_duck} new women members at the root, kaohe {women_kaohe}"

    out = subprocess.run([a.kaohe, "--data-dir", a.data_dir, "bench", "indicators", "--reps", str(a.reps), "--year", str(YEAR)], capture_output=True, text=True, check=True).stdout
    print(out)
    kaohe = {}
    for q in ("b", "c"):
        # The median follows the label's closing parenthesis (the label itself names the goal).
        m = re.search(rf"query {q}:[^\n]*\)\s+([\d.]+) ms", out)
        kaohe[q] = float(m.group(1))
    print(f"{'query':<8} {'DuckDB (' + str(threads) + ' threads)':>22} {'DuckDB (1 thread)':>18} {'kaohe (1 core)':>15} {'ratio':>8}")
    for q in ("b", "c"):
        print(f"{q:<8} {duck[q]:>19.2f} ms {duck1[q]:>15.2f} ms {kaohe[q]:>12.2f} ms {duck[q] / kaohe[q]:>7.1f}×")
    print(f"root check: {women_duck} new women members in {YEAR} on both sides")


if __name__ == "__main__":
    sys.exit(main())
