#!/usr/bin/env python3
"""Generate kexit's package data (data/packages/*.txt) from the distributions' own indexes.

Reproducible: every output file records its sources, the release (from the archive's Release file)
and the generation date in its header; tools/gen-data/README.md says how to run it.

  python3 tools/gen-data/gen_pkgdata.py debian   # Debian bookworm + trixie (mirror read from /etc/apt)
  python3 tools/gen-data/gen_pkgdata.py ubuntu --mirror URL   # Ubuntu jammy + noble (if reachable)
  python3 tools/gen-data/gen_pkgdata.py pypi     # console scripts of tools/gen-data/pypi-packages.txt
  python3 tools/gen-data/gen_pkgdata.py alpine --aports DIR   # a checkout of alpinelinux/aports

Standard library only, except `pypi`: pip's vendored `packaging` parses Requires-Dist and evaluates markers.
"""
import argparse
import datetime
import glob
import gzip
import io
import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
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


def finish(path, keys=None):
    """Compress a generated text file to <name>.zz (zlib, level 9; embedded by kexit) and drop
    the text. `python3 -c 'import zlib,sys;sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],"rb").read()))' F`
    prints it back. With `keys` (the number of leading fields that key a record), the stream is
    written in blocks kexit can inflate one at a time (`pack_blocks`)."""
    import zlib
    data = open(path, "rb").read()
    out = path[: -len(".txt")] + ".zz"
    with open(out, "wb") as f:
        f.write(pack_blocks(data, keys) if keys else zlib.compress(data, 9))
    os.remove(path)
    print(f"{out}: {len(data)} bytes of text, {os.path.getsize(out)} compressed")


# Text per block of a packed file: a lookup inflates one block (src/image/zblocks.rs).
BLOCK = 8 * 1024


def pack_blocks(data, keys):
    """One zlib stream (level 9) with a full flush every BLOCK bytes of text, always before a
    record line (a line not starting with `#`), so each block inflates on its own; then an index
    and a 16-byte footer, which zlib readers ignore (the file still prints with zlib.decompress).
    Index: a line `<compressed offset>\t<text length>\t<key of the first record>` per block
    (the key: the record's first `keys` tab-separated fields), then a line with the end offset
    of the last block. Footer: `KXIDX1` and the index length in 10 decimal digits. The records
    must be sorted bytewise by key (they are: each generator sorts by name bytes)."""
    import zlib
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    comp = zlib.compressobj(9)
    out = bytearray()
    index = []
    block, key = bytearray(), None

    def flush_block():
        nonlocal block, key
        start = len(out) if out else 2  # the first block's data follows the 2-byte zlib header
        chunk = comp.compress(bytes(block)) + comp.flush(zlib.Z_FULL_FLUSH)
        out.extend(chunk)
        index.append(f"{start}\t{len(block)}\t{key.decode('utf-8')}")
        block, key = bytearray(), None

    for line in lines:
        record = not line.startswith(b"#")
        if record and key is not None and len(block) >= BLOCK:
            flush_block()
        if record and key is None:
            key = b"\t".join(line.split(b"\t")[:keys])
        block.extend(line + b"\n")
    if key is None:
        sys.exit("pack_blocks: no record line")
    flush_block()
    end = len(out)
    out.extend(comp.flush())
    text = ("\n".join(index) + f"\n{end}\n").encode("utf-8")
    out.extend(text + b"KXIDX1" + b"%010d" % len(text))
    assert zlib.decompress(bytes(out)) == data, "pack_blocks: the stream does not read back"
    keys_in_order = [i.split("\t", 2)[2].encode("utf-8") for i in index]
    assert keys_in_order == sorted(keys_in_order), "pack_blocks: records not sorted by key"
    return bytes(out)


def gen_repack():
    """Rewrite the release files and programs.zz in blocks, from their own text (no network:
    the text is unchanged, only its compression)."""
    for zz in sorted(glob.glob(os.path.join(OUT, "*-*-*.zz"))) + [os.path.join(OUT, "programs.zz")]:
        path = zz[: -len(".zz")] + ".txt"
        with open(path, "w", encoding="utf-8") as f:
            f.write(read_zz(zz))
        finish(path, keys=1 if zz.endswith("programs.zz") else 2)


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
    finish(path, keys=2)


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
        finish(path, keys=2)


# The releases of programs.zz, in bit order (kexit's pkgdb::RELEASES).
PROGRAM_RELEASES = ["debian-bookworm-amd64", "debian-trixie-amd64", "ubuntu-jammy-amd64", "ubuntu-noble-amd64"]


def owners_needing(rows, needed):
    """The program names every package of a release that ships them reaches a package shipping
    `needed` (a coded path: `bpython3` is /usr/bin/python3) through dependency groups of one real
    package: no `|` alternative, no virtual name some package provides; such edges apt must
    follow. kexit's pkgdb::Db::owners_need computes the same from a release (its test checks
    that the two agree)."""
    by_name = {r[0]: r for r in rows}
    virtual = set()
    for r in rows:
        virtual.update(r[4])
    memo = {}

    def reaches(start):
        if start in memo:
            return memo[start]
        todo, seen = [start], {start}
        found = False
        while todo:
            p = by_name[todo.pop()]
            if needed in p[5].split(" "):
                found = True
                break
            for group in p[2].split(","):
                if not group or "|" in group or group in virtual or group not in by_name:
                    continue
                if group not in seen:
                    seen.add(group)
                    todo.append(group)
        memo[start] = found
        return found

    owners = {}
    for n, _flags, _deps, _recs, _prov, exes in rows:
        for e in exes.split(" "):
            if len(e) > 1:
                owners.setdefault(e[1:], []).append(n)
    return {x for x, ps in owners.items() if all(reaches(p) for p in ps)}


def gen_programs():
    """data/packages/programs.zz: every program name some package of some release installs in
    a PATH directory, with two release bit masks (hex): the releases where some package ships
    it, and the releases where only packages that do not depend on Python ship it and no known
    PyPI wheel installs a script of that name (a pip install cannot plausibly bring it:
    `bash`, `curl`). Derived from the release files and pypi.zz; no network."""
    scripts = set()
    for line in read_zz(os.path.join(OUT, "pypi.zz")).splitlines():
        f = line.split("\t")
        if f[0] in ("W", "A") and len(f) >= 4 and f[3] != "?":
            scripts.update(x for x in f[3].split(" ") if x)
    owned, nonpy, needpy = {}, {}, {}
    dates = []
    for bit, rel in enumerate(PROGRAM_RELEASES):
        header, rows = read_release(os.path.join(OUT, rel + ".zz"))
        dates += [h for h in header if h.startswith("release:")]
        for x in owners_needing(rows, "bpython3"):
            needpy[x] = needpy.get(x, 0) | 1 << bit
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
        f.write("#   and no known wheel has a script of that name<TAB>releases where every package shipping it\n")
        f.write("#   cannot be installed without /usr/bin/python3 (hex bit masks); sorted by name (bytes)\n")
        for x in sorted(owned, key=lambda s: s.encode("utf-8")):
            f.write(f"{x}\t{owned[x]:x}\t{nonpy.get(x, 0):x}\t{needpy.get(x, 0):x}\n")
    finish(path, keys=1)


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

PYPI = "https://pypi.org/pypi"
# The environments a requirement's marker is evaluated in: CPython 3.9–3.14 on Linux, x86_64 and
# aarch64 (the official python images kexit models). A dependency whose marker holds in all of
# them is unconditional; in some of them, conditional ('?': it may be installed); in none, dropped.
PY_ENVS = [
    {
        "implementation_name": "cpython", "implementation_version": f"3.{m}.0", "os_name": "posix",
        "platform_machine": mach, "platform_release": "6.1.0", "platform_system": "Linux",
        "platform_version": "#1 SMP", "python_full_version": f"3.{m}.0",
        "platform_python_implementation": "CPython", "python_version": f"3.{m}", "sys_platform": "linux",
    }
    for m in range(9, 15)
    for mach in ("x86_64", "aarch64")
]


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class HttpFile(io.RawIOBase):
    """A seekable read-only view of a remote file through HTTP range requests (64 kB blocks), so
    zipfile reads a wheel's central directory, METADATA and entry_points.txt without
    downloading the whole wheel (torch, tensorflow and the nvidia-* wheels are hundreds of MB)."""

    BLOCK = 1 << 16

    def __init__(self, url, size):
        self.url, self.size, self.pos, self.blocks = url, size, 0, {}

    def seekable(self):
        return True

    def readable(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, off, whence=0):
        self.pos = off if whence == 0 else self.pos + off if whence == 1 else self.size + off
        return self.pos

    def block(self, i):
        if i not in self.blocks:
            lo, hi = i * self.BLOCK, min(self.size, (i + 1) * self.BLOCK) - 1
            req = urllib.request.Request(self.url, headers={"Range": f"bytes={lo}-{hi}"})
            for attempt in range(4):
                try:
                    with urllib.request.urlopen(req, timeout=120) as r:
                        data = r.read()
                    break
                except OSError:
                    if attempt == 3:
                        raise
            if len(data) != hi - lo + 1:
                raise OSError(f"range request to {self.url} returned {len(data)} bytes")
            self.blocks[i] = data
        return self.blocks[i]

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.size - self.pos
        n = max(0, min(n, self.size - self.pos))
        out = bytearray()
        while len(out) < n:
            b = self.block((self.pos + len(out)) // self.BLOCK)
            off = (self.pos + len(out)) % self.BLOCK
            out += b[off: off + n - len(out)]
        self.pos += n
        return bytes(out)

    def readinto(self, b):
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def wheel_score(filename):
    """How well a wheel fits CPython 3.12 on manylinux x86_64 (higher is better), or None when it
    does not install there."""
    parts = filename[:-4].split("-")
    if len(parts) < 5:
        return None
    pys, abis, plats = (set(parts[-3].split(".")), set(parts[-2].split(".")), set(parts[-1].split(".")))

    def plat_ok(p):
        if p == "any":
            return True
        m = re.fullmatch(r"manylinux(1|2010|2014|_2_(\d+))_x86_64", p)
        return bool(m) and (m.group(2) is None or int(m.group(2)) <= 36)

    if not any(plat_ok(p) for p in plats):
        return None
    if "cp312" in pys and abis & {"cp312", "abi3", "none"}:
        return 3
    # Another CPython 3.9-3.14 build (a dependency only some Python versions install, such as
    # pyyaml-ft on 3.13+): scripts and dependencies rarely differ between builds of one version.
    other = {f"cp3{m}" for m in range(9, 15)} - {"cp312"}
    if pys & other and abis & (other | {f"{p}t" for p in other} | {"abi3", "none"}):
        return 0.5
    if "abi3" in abis and any(re.fullmatch(r"cp3(\d+)", p) and int(p[3:]) <= 12 for p in pys):
        return 2
    if "none" in abis and pys & {"py3", "py312", "py2.py3", "py2", "py30"} | {p for p in pys if re.fullmatch(r"py3\d*", p)}:
        return 1 if "any" in plats else 2
    return None


def version_key(v):
    """A sort key for PEP 440 versions of the forms pypi_wheel accepts (1.2, 1.2.post1, 1.2b3)."""
    key = []
    for x in re.split(r"[.+]", v):
        m = re.fullmatch(r"(\d+)(a|b|rc|dev|post)?(\d*)", x)
        if not m:
            key.append((-1, 0, 0))
        else:
            key.append((int(m.group(1)), {"dev": -4, "a": -3, "b": -2, "rc": -1, None: 0, "post": 1}[m.group(2)], int(m.group(3) or 0)))
    return key


def pypi_wheel(name):
    """(version, url, size) of the newest non-pre-release version with a wheel for CPython 3.12
    on Linux x86_64, or None."""
    cands = pypi_candidates(name)
    if not cands:
        return None
    _, _, v, url, size, _ = cands[-1]
    return v, url, size


def version_major(v):
    m = re.match(r"(\d+)", v)
    return int(m.group(1)) if m else None


# Older major versions read per package: the newest final release of each of at most
# OLDER_MAJORS majors below the newest one, among those with a wheel uploaded in the last
# OLDER_YEARS years (a requirements file pinning `redis==5.0.8` or `gunicorn==22.0.0`).
OLDER_MAJORS = 6
OLDER_YEARS = 4


def pypi_older(name, newest):
    """[(version, url, size)] of the newest final release of each older major version (see
    OLDER_MAJORS), newest major first."""
    top = version_major(newest)
    if top is None:
        return []
    year = int(today()[:4]) - OLDER_YEARS
    best = {}
    for final, key, v, url, size, uploaded in pypi_candidates(name):
        m = version_major(v)
        if not final or m is None or m >= top or uploaded[:4] < str(year):
            continue
        if m not in best or key > best[m][0]:
            best[m] = (key, v, url, size)
    return [best[m][1:] for m in sorted(best, reverse=True)[:OLDER_MAJORS]]


def pypi_candidates(name):
    """Sorted [(final, version key, version, url, size, upload time)]: per release, the best
    wheel for CPython 3.12 on Linux x86_64."""
    api = f"{PYPI}/{name}/json"
    with urllib.request.urlopen(api, timeout=120) as r:
        d = json.load(r)
    cands = []
    releases = d.get("releases") or {d["info"]["version"]: d.get("urls", [])}
    for v, files in releases.items():
        # Pre-releases and dev releases: pip takes them only when no final release fits (as
        # for opentelemetry-semantic-conventions, whose versions are all betas).
        final = bool(re.fullmatch(r"[0-9]+(\.[0-9]+)*(\.post[0-9]+)?", v))
        if not final and not re.fullmatch(r"[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?", v):
            continue  # local or non-PEP 440 versions
        best = None
        for f in files:
            if f.get("yanked") or not f["filename"].endswith(".whl"):
                continue
            sc = wheel_score(f["filename"])
            if sc is not None and (best is None or sc > best[0]):
                best = (sc, urllib.parse.urljoin(api, f["url"]), f["size"], f.get("upload_time") or "")
        if best:
            cands.append((final, version_key(v), v, best[1], best[2], best[3]))
    cands.sort()
    return cands


def read_wheel(url, size):
    """(scripts, METADATA text) of a wheel, read through range requests."""
    scripts, meta = [], ""
    with zipfile.ZipFile(HttpFile(url, size)) as z:
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
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                meta = z.read(zn).decode("utf-8", "replace")
            # Plain scripts shipped in the wheel's .data/scripts directory.
            if len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts" and parts[2]:
                scripts.append(parts[2])
    return sorted(set(scripts)), meta


def dep_tokens(meta):
    """The Requires-Dist of a METADATA text as data tokens `[extra:]name[+extra…][?]`: `extra:`
    when only that extra of this package installs it, `+e` for the extras it requests, `?` when
    its environment marker holds in some but not all of PY_ENVS. Markers false everywhere
    (Windows, Python < 3.9, PyPy only) drop the dependency."""
    # pip's vendored `packaging` parses requirements and evaluates markers (pip is already this
    # generator's tool; the standard library has no marker evaluator).
    from pip._vendor.packaging.requirements import Requirement
    reqs, extras = [], []
    for line in meta.split("\n\n", 1)[0].splitlines():
        k, _, v = line.partition(":")
        if k.lower() == "requires-dist":
            try:
                reqs.append(Requirement(v.strip()))
            except Exception as e:  # an unreadable requirement: the package's closure is unknown
                print(f"  unreadable Requires-Dist {v.strip()!r}: {e}", file=sys.stderr)
                return None
        elif k.lower() == "provides-extra":
            extras.append(v.strip())
    for r in reqs:
        if r.marker:
            extras += re.findall(r"""extra\s*==\s*['"]([^'"]+)['"]""", str(r.marker))
    extras = sorted(set(extras))
    out = []
    for r in reqs:
        name = pep503(r.name) + "".join("+" + pep503(e) for e in sorted(r.extras))
        if r.url:
            return None  # a direct URL dependency: not in the data
        if r.marker is None:
            out.append(name)
            continue
        base = [r.marker.evaluate(dict(e, extra="")) for e in PY_ENVS]
        if all(base):
            out.append(name)
            continue
        if any(base):
            out.append(name + "?")
        for x in extras:
            hold = [r.marker.evaluate(dict(e, extra=x)) for e in PY_ENVS]
            if any(h and not b for h, b in zip(hold, base)):
                out.append(f"{pep503(x)}:{name}" + ("" if all(hold) else "?"))
    return sorted(set(out))


# Extras of a listed package that are not followed: its own test, documentation and development
# tools, which no image installs (a requirement naming one stays unknown: not in the data).
DEV_EXTRA = re.compile(r"test|dev|doc|lint|typ|mypy|cov|bench|check|style|format|all|full|complete|ci$|release")


def pypi_package(name, w=None):
    """(name, version, scripts, dependency tokens) of one package (of the wheel `w`, else the
    newest); version '?' when it has no usable wheel or unreadable metadata."""
    t0 = time.time()
    try:
        return pypi_package_timed(name, w)
    finally:
        if time.time() - t0 > 20:
            print(f"slow: {name} {time.time() - t0:.0f} s", file=sys.stderr)


def pypi_package_timed(name, w=None):
    try:
        w = w or pypi_wheel(name)
        if w is None:
            print(f"no wheel for {name}", file=sys.stderr)
            return name, "?", None, None
        version, url, size = w
        scripts, meta = read_wheel(url, size)
        deps = dep_tokens(meta)
        if deps is None:
            return name, "?", None, None
        return name, version, scripts, deps
    except Exception as e:  # a network or archive error: unknown, never a guess
        print(f"{name}: {e}", file=sys.stderr)
        return name, "?", None, None


def gen_pypi(list_file):
    """pypi.zz: the console scripts and dependencies of the listed packages, closed under their
    dependencies: every package a listed package (with any of its extras) depends on, and what
    those depend on with the extras requested, is added (marked as added) until nothing new
    comes in."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
    started = time.time()
    listed = []
    for line in open(list_file, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            listed.append(pep503(line))
    listed = list(dict.fromkeys(listed))
    rows = {}
    # package -> the extras some package requests; a listed package's other extras are
    # followed too, except test/doc/dev-like ones (DEV_EXTRA).
    wanted = {n: set() for n in listed}
    followed = {}
    def propagate():
        """Follow the requested extras through the rows fetched so far; the new names."""
        new = []
        changed = True
        while changed:
            changed = False
            for n, ex in list(wanted.items()):
                if n not in rows or rows[n][2] is None:
                    continue
                key = ",".join(sorted(ex))
                if followed.get(n) == key:
                    continue
                followed[n] = key
                changed = True
                for t in rows[n][2]:
                    extra, _, req = t.rstrip("?").rpartition(":")
                    if extra and extra not in ex and (n not in listed or DEV_EXTRA.search(extra)):
                        continue
                    dn, *dex = req.split("+")
                    if dn not in wanted:
                        wanted[dn] = set()
                        new.append(dn)
                    wanted[dn] |= set(dex)
        return new

    def older(n, newest):
        """The older majors' rows of one package: [(version, scripts, deps)]."""
        try:
            out = []
            for w in pypi_older(n, newest):
                _, v, s, d = pypi_package(n, w)
                if v != "?":
                    out.append((v, s, d))
            return n, out
        except Exception as e:  # a network error: no older-major rows (kept open)
            print(f"{n} older majors: {e}", file=sys.stderr)
            return n, []

    majors = {}
    with ThreadPoolExecutor(max_workers=16) as pool:
        pending = {pool.submit(pypi_package, n) for n in listed}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                n, v, s, d = fut.result()
                rows[n] = (v, s, d)
                print(f"{n} {v}: {' '.join(s or [])} | {' '.join(d or [])}", flush=True)
            pending |= {pool.submit(pypi_package, n) for n in propagate()}
        # Older majors of every package read so far; their dependencies join the closure (at
        # their newest version), so the set stays closed.
        pending = {pool.submit(older, n, v) for n, (v, _, _) in rows.items() if v != "?"}
        submitted = set()  # packages asked for in this phase
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                if len(fut.result()) == 2:
                    n, out = fut.result()
                    if out:
                        majors[n] = out
                        print(f"{n} older: {' '.join(v for v, _, _ in out)}", flush=True)
                        for _, _, d in out:
                            for t in d or []:
                                extra, _, req = t.rstrip("?").rpartition(":")
                                if extra and extra not in wanted.get(n, set()) and (n not in listed or DEV_EXTRA.search(extra)):
                                    continue
                                dn, *dex = req.split("+")
                                if dn not in wanted:
                                    wanted[dn] = set()
                                wanted[dn] |= set(dex)
                                followed.pop(dn, None)
                else:
                    n, v, s, d = fut.result()
                    rows[n] = (v, s, d)
                    print(f"{n} {v}: {' '.join(s or [])} | {' '.join(d or [])}", flush=True)
            for n in [n for n in wanted if n not in rows] + propagate():
                if n not in rows and n not in submitted:
                    submitted.add(n)
                    pending.add(pool.submit(pypi_package, n))
    added = sorted(n for n in rows if n not in listed)
    path = os.path.join(OUT, "pypi.txt")
    key = lambda s: s.encode("utf-8")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# kexit package data v2: pypi console scripts and dependencies\n")
        f.write("# source: PyPI JSON API (pypi.org/pypi/NAME/json) and, through HTTP range requests, each chosen wheel's\n")
        f.write("#   *.dist-info/entry_points.txt [console_scripts]/[gui_scripts], *.data/scripts/ and *.dist-info/METADATA Requires-Dist\n")
        f.write("# wheel: newest non-pre-release version with a wheel for CPython 3.12 on Linux x86_64\n")
        f.write("#   (cp312, abi3 or pure Python; manylinux up to glibc 2.36); its dependencies are those of that version\n")
        f.write("# markers: evaluated for CPython 3.9-3.14 on Linux x86_64/aarch64: true in all = unconditional,\n")
        f.write("#   in some = conditional ('?'), in none = dropped; version specifiers are not kept\n")
        f.write(f"# packages: {len(listed)} listed in tools/gen-data/pypi-packages.txt (with their extras but test/doc/dev-like ones), and {len(added)}\n")
        f.write("#   added as dependencies (A lines: with the extras some package requests), closed under dependencies\n")
        f.write(f"# generated: {today()} by tools/gen-data/gen_pkgdata.py ({time.time() - started:.0f} s)\n")
        f.write("# format: W|A<TAB>name (PEP 503)<TAB>version<TAB>scripts (' '-separated)<TAB>dependencies (' '-separated),\n")
        f.write("#   sorted by name; a dependency is [extra:]name[+extra...][?]: 'extra:' only with that extra of this package,\n")
        f.write("#   '+extra' extras it requests, '?' conditional marker; version '?' = no usable wheel (unknown)\n")
        f.write(f"# older majors: M lines (same columns) after a package's line: the newest final release with such a wheel of each\n")
        f.write(f"#   of at most {OLDER_MAJORS} major versions below the newest, released in the last {OLDER_YEARS} years; their dependencies are in the set\n")
        for n in sorted(rows, key=key):
            v, s, d = rows[n]
            kind = "W" if n in listed else "A"
            f.write(f"{kind}\t{n}\t{v}\t{' '.join(s) if s is not None else '?'}\t{' '.join(d or [])}\n")
            for mv, ms, md in majors.get(n, []):
                f.write(f"M\t{n}\t{mv}\t{' '.join(ms) if ms is not None else '?'}\t{' '.join(md or [])}\n")
    print(f"{path}: {len(listed)} listed + {len(added)} dependencies, {os.path.getsize(path)} bytes, {time.time() - started:.0f} s")
    finish(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["debian", "ubuntu", "pypi", "alpine", "programs", "reformat", "repack"])
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
    elif a.what == "repack":
        gen_repack()
    elif a.what == "alpine":
        import gen_alpine  # noqa: E402  (tools/gen-data/gen_alpine.py)
        gen_alpine.main(a.aports, OUT, today())


if __name__ == "__main__":
    main()
