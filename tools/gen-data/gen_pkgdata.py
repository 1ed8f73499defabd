#!/usr/bin/env python3
"""Generate kexit's package data (data/packages/*.txt) from the distributions' own indexes.

Reproducible: every output file records its sources, the release (from the archive's Release file)
and the generation date in its header; tools/gen-data/README.md says how to run it.

  python3 tools/gen-data/gen_pkgdata.py debian   # Debian bookworm + trixie (mirror read from /etc/apt)
  python3 tools/gen-data/gen_pkgdata.py ubuntu --mirror URL   # Ubuntu jammy + noble (if reachable)
  python3 tools/gen-data/gen_pkgdata.py pypi     # console scripts of tools/gen-data/pypi-packages.txt
  python3 tools/gen-data/gen_pkgdata.py alpine --aports DIR   # a checkout of alpinelinux/aports

Standard library only (pip is used as a program for `pypi`).
"""
import argparse
import datetime
import glob
import gzip
import io
import lzma
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "packages")
HERE = os.path.dirname(os.path.abspath(__file__))

# Directories of containerd's default PATH, as the archive's Contents index spells them.
PATH_DIRS = ("usr/local/sbin/", "usr/local/bin/", "usr/sbin/", "usr/bin/", "sbin/", "bin/")
# Compact directory codes used in the data file.
DIR_CODE = {"usr/local/sbin/": "L", "usr/local/bin/": "l", "usr/sbin/": "s", "usr/bin/": "b", "sbin/": "S", "bin/": "B"}


def today():
    return os.environ.get("KEXIT_GEN_DATE") or datetime.date.today().isoformat()


def finish(path):
    """Compress a generated text file to <name>.zz (zlib, level 9; embedded by kexit) and drop
    the text. `python3 -c 'import zlib,sys;sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],"rb").read()))' F`
    prints it back."""
    import zlib
    data = open(path, "rb").read()
    out = path[: -len(".txt")] + ".zz"
    with open(out, "wb") as f:
        f.write(zlib.compress(data, 9))
    os.remove(path)
    print(f"{out}: {len(data)} bytes of text, {os.path.getsize(out)} compressed")


def fetch(url):
    with urllib.request.urlopen(url, timeout=300) as r:
        return r.read()


# ---------------------------------------------------------------- apt sources

def apt_debian_mirror():
    """The Debian archive URI configured in /etc/apt (deb822 .sources or one-line sources.list)."""
    uris = []
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")) + ["/etc/apt/sources.list"]:
        try:
            text = open(f, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("URIs:"):
                uris.extend(line[5:].split())
            elif line.startswith("deb "):
                parts = [p for p in line.split() if not p.startswith("[")]
                if len(parts) >= 2:
                    uris.append(parts[1])
    for u in uris:
        u = u.rstrip("/")
        if u.endswith("/debian"):
            return u
    sys.exit("no Debian archive URI (…/debian) found in /etc/apt")


# ---------------------------------------------------------------- Debian/Ubuntu

def parse_release(text):
    info = {}
    for line in text.splitlines():
        if line and not line[0].isspace() and ":" in line:
            k, v = line.split(":", 1)
            info[k] = v.strip()
    return info


def parse_packages(data):
    """Packages index → {name: {field: value}} (last stanza wins, as in one suite)."""
    pkgs = {}
    cur = {}
    key = None
    for line in data.decode("utf-8", "replace").splitlines():
        if not line:
            if "Package" in cur:
                pkgs[cur["Package"]] = cur
            cur = {}
            key = None
            continue
        if line[0] in " \t":
            continue  # continuation lines (Description) are not used
        k, _, v = line.partition(":")
        key = k
        cur[k] = v.strip()
    if "Package" in cur:
        pkgs[cur["Package"]] = cur
    return pkgs


def dep_groups(value):
    """`a (>= 1) | b, c:any` → [["a", "b"], ["c"]]."""
    groups = []
    for g in value.split(","):
        alts = []
        for a in g.split("|"):
            a = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", a).strip()
            a = a.split(":")[0]
            if a:
                alts.append(a)
        if alts:
            groups.append(alts)
    return groups


def parse_contents(data, owners):
    """Contents index lines in PATH directories → owners[pkg] = set of paths."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
        for raw in f:
            if not raw.startswith((b"usr/", b"bin/", b"sbin/")):
                continue
            line = raw.decode("utf-8", "replace").rstrip("\n")
            m = re.match(r"^(.*?)\s+(\S+)$", line)
            if not m:
                continue
            path, locs = m.group(1), m.group(2)
            d = next((d for d in PATH_DIRS if path.startswith(d)), None)
            if d is None or "/" in path[len(d):] or not path[len(d):]:
                continue
            for loc in locs.split(","):
                pkg = loc.rsplit("/", 1)[-1]
                owners.setdefault(pkg, set()).add(path)


def write_deb(distro, codename, rel, pkgs, owners, sources, arch):
    """One release file. Lines (tab-separated):
       P name flags depends recommends provides exes
    flags: E = Essential: yes, R = Priority: required, I = Priority: important.
    depends: Pre-Depends + Depends, groups separated by ',', alternatives by '|', in order.
    Edges to packages whose whole closure installs no PATH program beyond those of the
    Essential/required packages every image of the distribution has are dropped (they cannot
    change an answer); every package name is still listed (a known name)."""
    names = set(pkgs)
    provides = {}
    for n, p in pkgs.items():
        for g in dep_groups(p.get("Provides", "")):
            for v in g:
                provides.setdefault(v, set()).add(n)
    # Which names (real or virtual) reach a program through any edge.
    edges = {}
    for n, p in pkgs.items():
        e = set()
        for fld in ("Pre-Depends", "Depends", "Recommends"):
            for g in dep_groups(p.get(fld, "")):
                e.update(g)
        edges[n] = e
    # Packages every Debian/Ubuntu image already has (Essential: yes, Priority: required) add
    # nothing to an install: edges that only lead to them are dropped.
    base = {n for n, p in pkgs.items() if p.get("Essential") == "yes" or p.get("Priority") == "required"}
    reach = {n for n in names if owners.get(n) and n not in base}
    changed = True
    while changed:
        changed = False
        for n in names:
            if n in reach:
                continue
            for t in edges[n]:
                if t in reach or any(pp in reach for pp in provides.get(t, ())):
                    reach.add(n)
                    changed = True
                    break
    virt_reach = {v for v, ps in provides.items() if any(pp in reach for pp in ps)}

    def keep(t):
        return t in reach or t in virt_reach or (t not in names and t not in provides)

    def groups_text(value):
        out = []
        for g in dep_groups(value):
            if not any(keep(a) for a in g):
                continue
            out.append("|".join(g))
        return ",".join(out)

    header = [
        f"kexit package data v2: {distro} {codename} {arch}",
        f"release: {rel.get('Origin','?')} {rel.get('Version', rel.get('Suite','?'))} {codename}, Release file dated {rel.get('Date','?')}",
    ]
    header += [f"source: {s}" for s in sources]
    header.append(f"generated: {today()} by tools/gen-data/gen_pkgdata.py")
    rows = []
    for n in names:
        p = pkgs[n]
        flags = ""
        if p.get("Essential") == "yes":
            flags += "E"
        pr = p.get("Priority", "")
        if pr == "required":
            flags += "R"
        elif pr == "important":
            flags += "I"
        if n in reach:
            deps = groups_text(p.get("Pre-Depends", "") + "," + p.get("Depends", ""))
            recs = groups_text(p.get("Recommends", ""))
        else:
            deps = recs = ""
        prov = {v for g in dep_groups(p.get("Provides", "")) for v in g}
        exes = " ".join(
            sorted(DIR_CODE[next(d for d in PATH_DIRS if x.startswith(d))] + x.rsplit("/", 1)[1] for x in owners.get(n, ()))
        )
        rows.append((n, flags, deps, recs, prov, exes))
    path = os.path.join(OUT, f"{distro}-{codename}-{arch}.txt")
    emit_release(path, header, rows)
    print(f"{path}: {len(names)} packages, {len(reach)} reach a program")
    finish(path)


RELEASE_FORMAT = [
    "format: P<TAB>name<TAB>flags<TAB>depends<TAB>recommends<TAB>programs, sorted by name (bytes),",
    "  then V<TAB>virtual package<TAB>providers (',' separated), sorted by name (bytes):",
    "  kexit binary-searches the lines in place (no per-package parsing at start-up)",
    "programs: <dir code><name> separated by ' '; B=/bin S=/sbin b=/usr/bin s=/usr/sbin l=/usr/local/bin L=/usr/local/sbin",
]


def emit_release(path, header, rows):
    """Write a release file (format v2): header lines, P lines sorted by name, V lines sorted
    by virtual name. Sorting by UTF-8 bytes is the order kexit's binary search expects."""
    key = lambda s: s.encode("utf-8")
    provides = {}
    for n, _flags, _deps, _recs, prov, _exes in rows:
        for v in prov:
            provides.setdefault(v, set()).add(n)
    with open(path, "w", encoding="utf-8") as f:
        for h in header + RELEASE_FORMAT:
            f.write(f"# {h}\n")
        for n, flags, deps, recs, _prov, exes in sorted(rows, key=lambda r: key(r[0])):
            f.write(f"P\t{n}\t{flags}\t{deps}\t{recs}\t{exes}\n")
        for v in sorted(provides, key=key):
            f.write(f"V\t{v}\t{','.join(sorted(provides[v], key=key))}\n")


def read_zz(path):
    import zlib
    return zlib.decompress(open(path, "rb").read()).decode("utf-8")


def read_release(path):
    """(header lines without the format lines, rows) of a release file, format v1 or v2."""
    header, rows, virt = [], {}, {}
    for line in read_zz(path).splitlines():
        if line.startswith("#"):
            h = line[1:].strip()
            if not (h.startswith("format:") or h.startswith("programs:") or line.startswith("#  ")):
                header.append(h.replace("kexit package data v1:", "kexit package data v2:"))
            continue
        f = line.split("\t")
        if f[0] == "P" and len(f) == 7:  # v1: provides column
            rows[f[1]] = (f[1], f[2], f[3], f[4], {v for v in f[5].split(",") if v}, f[6])
        elif f[0] == "P" and len(f) == 6:
            rows[f[1]] = (f[1], f[2], f[3], f[4], set(), f[5])
        elif f[0] == "V" and len(f) == 3:
            for p in f[2].split(","):
                virt.setdefault(p, set()).add(f[1])
    for p, vs in virt.items():
        if p in rows:
            rows[p][4].update(vs)
    return header, list(rows.values())


def gen_reformat():
    """Rewrite every release file in the current format from its own content (no network)."""
    for zz in sorted(glob.glob(os.path.join(OUT, "*-*-*.zz"))):
        header, rows = read_release(zz)
        path = zz[: -len(".zz")] + ".txt"
        emit_release(path, header, rows)
        finish(path)


# The releases of programs.zz, in bit order (kexit's pkgdb::RELEASES).
PROGRAM_RELEASES = ["debian-bookworm-amd64", "debian-trixie-amd64", "ubuntu-jammy-amd64", "ubuntu-noble-amd64"]


def gen_programs():
    """data/packages/programs.zz: every program name some package of some release installs in
    a PATH directory, with two release bit masks (hex): the releases where some package ships
    it, and the releases where only packages that do not depend on Python ship it and no known
    PyPI wheel installs a script of that name (a pip install cannot plausibly bring it:
    `bash`, `curl`). Derived from the release files and pypi.zz; no network."""
    scripts = set()
    for line in read_zz(os.path.join(OUT, "pypi.zz")).splitlines():
        f = line.split("\t")
        if f[0] == "W" and len(f) == 4 and f[3] != "?":
            scripts.update(x for x in f[3].split(" ") if x)
    owned, nonpy = {}, {}
    dates = []
    for bit, rel in enumerate(PROGRAM_RELEASES):
        header, rows = read_release(os.path.join(OUT, rel + ".zz"))
        dates += [h for h in header if h.startswith("release:")]
        py, non = set(), set()
        for n, _flags, deps, _recs, _prov, exes in rows:
            python = n.startswith("python") or n.startswith("pypy") or any(
                d.startswith("python") or d.startswith("libpython") or d == "pypy3"
                for d in deps.replace("|", ",").split(","))
            for e in exes.split(" "):
                if len(e) > 1:
                    owned[e[1:]] = owned.get(e[1:], 0) | 1 << bit
                    (py if python else non).add(e[1:])
        for x in non - py - scripts:
            nonpy[x] = nonpy.get(x, 0) | 1 << bit
    path = os.path.join(OUT, "programs.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# kexit package data v2: programs of every release\n")
        f.write(f"# releases (bit 0 first): {' '.join(PROGRAM_RELEASES)}\n")
        for d in dates:
            f.write(f"# {d}\n")
        f.write("# source: the release files above and pypi.zz (derived, no network)\n")
        f.write(f"# generated: {today()} by tools/gen-data/gen_pkgdata.py\n")
        f.write("# format: program<TAB>releases shipping it<TAB>releases where only non-Python packages ship it\n")
        f.write("#   and no known wheel has a script of that name (hex bit masks); sorted by name (bytes)\n")
        for x in sorted(owned, key=lambda s: s.encode("utf-8")):
            f.write(f"{x}\t{owned[x]:x}\t{nonpy.get(x, 0):x}\n")
    finish(path)


def gen_deb(distro, mirror, suites, components, arch, contents_per_component):
    for codename in suites:
        base = f"{mirror}/dists/{codename}"
        rel = parse_release(fetch(f"{base}/Release").decode("utf-8", "replace"))
        pkgs = {}
        owners = {}
        sources = []
        for comp in components:
            url = f"{base}/{comp}/binary-{arch}/Packages.xz"
            try:
                data = lzma.decompress(fetch(url))
            except Exception as e:  # a component may not exist in a suite
                print(f"skip {url}: {e}", file=sys.stderr)
                continue
            sources.append(f"dists/{codename}/{comp}/binary-{arch}/Packages.xz")
            for n, p in parse_packages(data).items():
                pkgs.setdefault(n, p)
            if contents_per_component:
                for c in (f"Contents-{arch}.gz", "Contents-all.gz"):
                    parse_contents(fetch(f"{base}/{comp}/{c}"), owners)
                    sources.append(f"dists/{codename}/{comp}/{c}")
        if not contents_per_component:
            parse_contents(fetch(f"{base}/Contents-{arch}.gz"), owners)
            sources.append(f"dists/{codename}/Contents-{arch}.gz")
        sources = [f"{distro} archive (mirror from /etc/apt or --mirror) " + s for s in sources]
        write_deb(distro, codename, rel, pkgs, owners, sources, arch)


# ---------------------------------------------------------------- PyPI

def gen_pypi(list_file):
    names = []
    for line in open(list_file, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            d = os.path.join(tmp, re.sub(r"[^A-Za-z0-9]", "_", n))
            os.makedirs(d)
            r = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "--python-version", "3.12", "--platform", "manylinux2014_x86_64",
                 "--platform", "any", "--implementation", "cp", "-q", "-d", d, n],
                capture_output=True, text=True)
            wheels = glob.glob(os.path.join(d, "*.whl"))
            if r.returncode != 0 or not wheels:
                print(f"no wheel for {n}: {r.stderr.strip()[-200:]}", file=sys.stderr)
                rows.append((n, "?", None))
                continue
            whl = wheels[0]
            version = os.path.basename(whl).split("-")[1]
            scripts = []
            with zipfile.ZipFile(whl) as z:
                for zn in z.namelist():
                    parts = zn.split("/")
                    if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "entry_points.txt":
                        sect = None
                        for l in z.read(zn).decode("utf-8", "replace").splitlines():
                            l = l.strip()
                            if l.startswith("["):
                                sect = l.strip("[]").strip()
                            elif "=" in l and sect in ("console_scripts", "gui_scripts"):
                                scripts.append(l.split("=", 1)[0].strip())
                    # Plain scripts shipped in the wheel's .data/scripts directory.
                    if len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts" and parts[2]:
                        scripts.append(parts[2])
            rows.append((n, version, sorted(set(scripts))))
            print(f"{n} {version}: {' '.join(sorted(set(scripts)))}")
    path = os.path.join(OUT, "pypi.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# kexit package data v1: pypi console scripts\n")
        f.write("# source: PyPI wheels (pip download --no-deps --only-binary=:all:, CPython 3.12, manylinux x86_64/any),\n")
        f.write("#   entry_points.txt [console_scripts]/[gui_scripts] and <name>.data/scripts/ of each wheel\n")
        f.write("# packages: tools/gen-data/pypi-packages.txt (hand-chosen list of common server/CLI packages)\n")
        f.write(f"# generated: {today()} by tools/gen-data/gen_pkgdata.py\n")
        f.write("# format: W<TAB>name<TAB>version<TAB>scripts (' '-separated); version '?' = no wheel found (unknown)\n")
        for n, v, s in rows:
            f.write(f"W\t{n.lower()}\t{v}\t{' '.join(s) if s is not None else '?'}\n")
    print(f"{path}: {len(rows)} packages, {os.path.getsize(path)} bytes")
    finish(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["debian", "ubuntu", "pypi", "alpine", "programs", "reformat"])
    ap.add_argument("--mirror", help="archive URI (default: the Debian URI configured in /etc/apt)")
    ap.add_argument("--aports", help="alpine: a checkout of the aports repository")
    ap.add_argument("--arch", default="amd64")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if a.what == "debian":
        mirror = (a.mirror or apt_debian_mirror()).rstrip("/")
        gen_deb("debian", mirror, ["bookworm", "trixie"], ["main", "contrib", "non-free", "non-free-firmware"], a.arch, True)
    elif a.what == "ubuntu":
        if not a.mirror:
            sys.exit("ubuntu: pass --mirror (an Ubuntu archive URI; none is configured in /etc/apt)")
        gen_deb("ubuntu", a.mirror.rstrip("/"), ["jammy", "noble"], ["main", "universe"], a.arch, False)
    elif a.what == "pypi":
        gen_pypi(os.path.join(HERE, "pypi-packages.txt"))
    elif a.what == "programs":
        gen_programs()
    elif a.what == "reformat":
        gen_reformat()
    elif a.what == "alpine":
        import gen_alpine  # noqa: E402  (tools/gen-data/gen_alpine.py)
        gen_alpine.main(a.aports, OUT, today())


if __name__ == "__main__":
    main()
