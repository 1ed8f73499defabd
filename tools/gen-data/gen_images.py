#!/usr/bin/env python3
"""Generate data/images/official-images.zz and official-images.heads: what official Docker images
contain, read from their own Dockerfiles (rows of kexit's base-image catalogue,
rules/base-images.yaml, as JSON objects; `write_out` says how they are stored).

Sources (git repositories; pass each as NAME=GITDIR, a clone or bare mirror):
  official-images   docker-library/official-images: library/<image> maps tags to
                    (GitRepo, GitCommit, Directory, File). Every revision of the file is read,
                    newest first: a tag maps to the newest revision that lists it (tags that were
                    dropped, `mysql:5.7`, keep the Dockerfile they last pointed to).
  <image repo>      docker-library/postgres, docker-library/redis, ... at that GitCommit
                    (a tag whose commit the clone does not have is left out: unknown).
  docker-alpine     alpinelinux/docker-alpine: the minirootfs tarballs of its v3.N branches,
                    the exact file system of alpine:3.N (alpine_bases).
  busybox           mirror/busybox: every applet name its source defines (the bound of the
                    Alpine releases newer than the docker-alpine snapshot).

  python3 tools/gen-data/gen_images.py official-images=/path/official-images.git \\
      postgres=/path/postgres.git redis=... mysql=... mongo=...
  python3 tools/gen-data/gen_images.py repack   # rewrite the two files from the current data
                                                # (no sources needed: the rows are unchanged)

A careful static reading, no build: FROM (base distribution, libc, shell), ENV (PATH included,
`$VAR` expanded), ENTRYPOINT/CMD/WORKDIR/USER/STOPSIGNAL, files COPY'd from the repository
(executable when git records mode 100755), `ln -s` links, and packages that stay installed:
`apt-get install` outside docker-library's build-dependency pattern (`apt-mark auto` + `apt-get
purge --auto-remove` in the same RUN), `apk add` without a `--virtual` name later `apk del`eted.
Programs of Debian packages come from data/packages (the dependency closure over the first
alternative); the Debian base image's programs are those of its Essential/required packages.
Alpine packages: only `bash` (/bin/bash) is mapped (no Alpine package data here). Everything
else (source builds, `make install`, downloads) stays unknown: every tracked command that is not
surely present is listed as unknown. Standard library only.
"""
import fnmatch
import json
import os
import re
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "data", "packages")
OUT = os.path.join(ROOT, "data", "images", "official-images.zz")  # rows and bases, in blocks
HEADS = os.path.join(ROOT, "data", "images", "official-images.heads")  # repository and tags a row

# Images read (repository name in library/ → the GitRepo it must name).
IMAGES = ["postgres", "redis", "mysql", "mongo", "golang", "python", "node", "ruby", "php", "httpd"]
# Images whose Dockerfiles were read closely enough to claim a tracked command absent (when
# every install of the Dockerfile is accounted for): for these, PRODUCTS lists what their
# source builds / release tarballs put on PATH (read by hand from the Dockerfiles: `make
# install` prefix, ensurepip, the tarball's bin/), and nothing else those builds do creates a
# tracked command. postgres/redis/mysql/mongo keep every tracked command not present unknown.
CLAIM = {"golang", "python", "node", "ruby", "php", "httpd"}
PRODUCTS = {
    # COPY --from=build /target/ /: the go release tarball (/usr/local/go).
    "golang": (["/usr/local/go/bin/go", "/usr/local/go/bin/gofmt"], "/usr/local/go"),
    "golang-single": (["/usr/local/go/bin/go", "/usr/local/go/bin/gofmt"], "tar -C /usr/local -xzf go.tgz"),
    # ./configure --prefix=/usr/local --with-ensurepip; make install; then the python/pip/pydoc/
    # idle/python-config links of the versioned names.
    "python": (["/usr/local/bin/python3", "/usr/local/bin/python", "/usr/local/bin/pip3", "/usr/local/bin/pip",
                "/usr/local/bin/pydoc3", "/usr/local/bin/pydoc", "/usr/local/bin/idle3", "/usr/local/bin/idle",
                "/usr/local/bin/python3-config", "/usr/local/bin/python-config"], "--with-ensurepip"),
    # the node release tarball's bin/ extracted into /usr/local.
    "node": (["/usr/local/bin/node", "/usr/local/bin/npm", "/usr/local/bin/npx"], "node-v$NODE_VERSION"),
    # ruby's make install (prefix /usr/local) with its default gems' programs.
    "ruby": (["/usr/local/bin/ruby", "/usr/local/bin/gem", "/usr/local/bin/irb", "/usr/local/bin/erb",
              "/usr/local/bin/rake", "/usr/local/bin/bundle", "/usr/local/bin/bundler"], "make install"),
    # php's make install (prefix /usr/local): the CLI.
    "php": (["/usr/local/bin/php", "/usr/local/bin/pecl", "/usr/local/bin/pear", "/usr/local/bin/phpize",
             "/usr/local/bin/php-config"], "make install"),
    # httpd's make install into $HTTPD_PREFIX.
    "httpd": (["/usr/local/apache2/bin/httpd", "/usr/local/apache2/bin/apachectl", "/usr/local/apache2/bin/ab",
               "/usr/local/apache2/bin/htpasswd", "/usr/local/apache2/bin/rotatelogs"], "make install"),
}
# Alpine packages the official Dockerfiles keep installed, with the tracked commands each (and
# its dependencies) brings: hand knowledge of Alpine's packages (no Alpine package data here),
# limited to these names; any other kept package makes the image unsure (nothing claimed absent).
APK_TRACKED = {
    "bash": ["/bin/bash"], "curl": ["/usr/bin/curl"], "git": ["/usr/bin/git"], "tini": ["/sbin/tini"],
    "ca-certificates": [], "tzdata": [], "libstdc++": [], "libgcc": [], "openssl": [], "tar": [], "xz": [],
    "gnupg": [], "libc6-compat": [], "su-exec": [], "gmp-dev": [], "yaml": [], "zlib": [], "bzip2": [],
    "libffi": [], "readline": [], "sqlite-libs": [], "ncurses-libs": [], "expat": [], "musl-utils": [],
    "apr": [], "apr-util": [], "apr-util-ldap": [], "procps": [], "libffi-dev": [], "yaml-dev": [], "zlib-dev": [],
    "libucontext-dev": [], "pcre": [], "pcre2": [], "libxml2": [], "perl": [], "ssl_client": [],
}
# kexit's tracked commands (rules/base-images.yaml `tracked`).
TRACKED = ["sh", "ash", "dash", "bash", "busybox", "env", "python", "python3", "pip", "pip3", "node",
           "npm", "npx", "yarn", "java", "curl", "wget", "tini", "dumb-init", "jq", "git", "go", "nginx"]
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DIR_CODE = {"B": "/bin", "S": "/sbin", "b": "/usr/bin", "s": "/usr/sbin", "l": "/usr/local/bin", "L": "/usr/local/sbin"}
ALPINE_BASE = ["/bin/sh", "/bin/ash", "/bin/busybox", "/usr/bin/env", "/usr/bin/wget", "/sbin/apk"]
# Alpine packages whose program path is certain (main/bash: --bindir=/bin).
APK_PROGRAMS = {"bash": ["/bin/bash"]}
# Alpine packages an official image may keep and stay pinned: the program names each (with its
# dependencies beyond the base) may put in the PATH directories, a superset read by hand from
# aports (main/gcc: libstdc++ and libgcc are shared libraries only; main/ca-certificates: its
# `make install` adds /usr/sbin/update-ca-certificates, dependencies ca-certificates-bundle and
# libcrypto3 are in the base; main/tzdata: zic and zdump in /usr/sbin, posixtz in /usr/bin, and
# tzcode's tzselect for safety). They go to `maybe` (unknown), never to `bins`.
APK_KEPT = {"libstdc++": [], "libgcc": [], "ca-certificates": ["update-ca-certificates"],
            "tzdata": ["zic", "zdump", "posixtz", "tzselect"]}
# Alpine releases without a minirootfs in the docker-alpine snapshot read, whose base is bounded
# instead (see alpine_bases): docker-library/repo-info repos/alpine/local/{3.21.8,3.22,3.23.6,
# 3.24.2}.md (commit 7859ce442d87, images of 2026-09-17) list busybox 1.37.0 and the same
# packages as 3.20 plus alpine-release (release files), libapk2/libapk (apk's library) and
# apk-tools 3.0 (/sbin/apk) from 3.23.
ALPINE_BOUNDED = ["3.21", "3.22", "3.23", "3.24"]
ALPINE = {}  # "3.20" -> {"id", "bins": set(paths), "maybe": set(names), "source"}, set by main()
ORACLE_BASE = ["/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/sh", "/usr/bin/env", "/usr/bin/microdnf"]
UBUNTU_BASE = ["/bin/sh", "/bin/dash", "/bin/bash", "/usr/bin/env", "/usr/bin/apt-get"]


# Library revisions read (older tags are left out: unknown).
SINCE = "2021-01-01"
# Build-time ENV (versions, checksums, download URLs, keys): not written.
BUILD_ENV = re.compile(r"(VERSION|SHA|URL|_KEY|GPG|CHECKSUM)")


def git(gitdir, *args):
    r = subprocess.run(["git", "--git-dir", gitdir, *args], capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None


# ------------------------------------------------------------------ Debian package data

class Release:
    def __init__(self, fname):
        self.id = fname[: -len("-amd64.zz")]
        text = zlib.decompress(open(os.path.join(PKG, fname), "rb").read()).decode()
        self.pkgs, self.virt = {}, {}
        self.header = [l[1:].strip() for l in text.splitlines() if l.startswith("#")]
        for line in text.splitlines():
            f = line.split("\t")
            if f[0] == "P" and len(f) == 6:
                self.pkgs[f[1]] = f
            elif f[0] == "V" and len(f) == 3:
                self.virt[f[1]] = f[2].split(",")

    def programs(self, names, every=False):
        """Programs surely installed by installing `names` (first-alternative closure), or None
        when a name is unknown. `every`: the programs that may be installed (every alternative's
        closure, a superset)."""
        todo, seen = [], set()
        for n in names:
            if n in self.pkgs:
                todo.append(n)
            elif len(self.virt.get(n, [])) == 1 or (every and n in self.virt):
                todo.extend(self.virt[n])
            else:
                return None
        out = set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            if n not in self.pkgs:
                todo.extend(self.virt.get(n, []) if every else [])
                continue
            p = self.pkgs[n]
            out.update(DIR_CODE[e[0]] + "/" + e[1:] for e in p[5].split(" ") if len(e) > 1 and e[0] in DIR_CODE)
            for g in p[3].split(","):
                alts = g.split("|") if every else g.split("|")[:1]
                todo.extend(a for a in alts if a)
        return out

    def base(self):
        return self.programs([n for n, p in self.pkgs.items() if "E" in p[2] or "R" in p[2]]) or set()


RELEASES = {}


def release(codename):
    files = {"bookworm": "debian-bookworm-amd64.zz", "trixie": "debian-trixie-amd64.zz",
             "jammy": "ubuntu-jammy-amd64.zz", "noble": "ubuntu-noble-amd64.zz"}
    if codename not in files:
        return None
    if codename not in RELEASES:
        RELEASES[codename] = Release(files[codename])
    return RELEASES[codename]


# ------------------------------------------------------------------ library files

def library_entries(text):
    """[(tags, fields)] of an RFC 2822-style library file (older formats: [])."""
    out, glob = [], {}
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"^([A-Za-z]+):\s*(.*)$", line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2).strip()
            elif key and line[:1].isspace():
                fields[key] += " " + line.strip()
        if "Tags" in fields:
            # SharedTags (`3.12`, `latest`): the multi-platform tag; its Linux entry comes first.
            tags = fields["Tags"] + "," + fields.get("SharedTags", "")
            out.append(([t.strip() for t in tags.split(",") if t.strip()], {**glob, **fields}))
        elif "GitRepo" in fields:
            glob.update(fields)
    return out


def tag_map(oi, image, have):
    """tag → (fields, library revision, date) of the newest library revision that lists the tag
    with a GitCommit the image clone has (`have(commit)`)."""
    revs = git(oi, "log", f"--since={SINCE}", "--format=%H %cs", "HEAD", "--", f"library/{image}") or ""
    tags = {}
    for line in revs.splitlines():
        rev, date = line.split(" ", 1)
        text = git(oi, "show", f"{rev}:library/{image}")
        if not text:
            continue
        for ts, fields in library_entries(text):
            if not have(fields.get("GitCommit")):
                continue
            for t in ts:
                tags.setdefault(t, (fields, rev, date))
    return tags


# ------------------------------------------------------------------ Dockerfile reading

def instructions(text):
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not cur and (line.lstrip().startswith("#") or not line.strip()):
            continue
        if cur and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + "\n"
            continue
        cur += line
        m = re.match(r"^\s*([A-Za-z]+)\s*(.*)$", cur, re.S)
        if m:
            out.append((m.group(1).upper(), m.group(2).strip()))
        cur = ""
    return out


def expand(s, env):
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: env.get(m.group(1), m.group(0)), s)


def parse_env(arg, env, args):
    scope = {**args, **env}
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s", arg) and "=" not in arg.split(None, 1)[0]:
        k, v = arg.split(None, 1)
        env[k] = expand(v.strip(), scope)
        return
    for m in re.finditer(r'([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|(\S*))', arg):
        env[m.group(1)] = expand(m.group(3) if m.group(3) is not None else m.group(4), scope)


def command(arg):
    try:
        v = json.loads(arg)
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return v
    except ValueError:
        pass
    return ["/bin/sh", "-c", arg]


def words(s):
    return [w for w in re.split(r"\s+", s) if w]


def apt_installs(run, env):
    """(packages `apt-get install`ed by a RUN that stay installed, packages that may), None when
    unsure. docker-library's build-dependency pattern (`apt-mark auto '.*'` … `apt-get purge
    --auto-remove` in the same RUN) keeps nothing it installed but the shared-library packages
    its `ldd` scan marks manual: taken to bring no tracked command."""
    if not re.search(r"apt-get\s+install", run):
        return [], []
    if re.search(r"apt-mark\s+auto\s+'?\.\*", run) and re.search(r"apt-get\s+purge[^;&|]*--auto-remove", run):
        return [], []
    if "apt-mark auto" in run or re.search(r"apt-get\s+(purge|remove|autoremove)", run):
        return None
    if "--no-install-recommends" not in run:
        return None  # Recommends are installed too: not in the closure read
    out, maybe = [], []
    for m in re.finditer(r"apt-get\s+install((?:\s+[^;&|]+)*)", run):
        part = expand(m.group(1), env)
        # `$(if apt-cache show 'x' …; then echo 'x'; else echo 'y'; fi)`: any candidate may be installed.
        for sub in re.findall(r"\$\((.*?)\)", part, re.S):
            maybe.extend(re.findall(r"echo\s+'([a-z0-9][a-z0-9.+-]*)'", sub))
        for w in words(drop_substitutions(part)):
            if w.startswith("-"):
                continue
            if not re.match(r"^[a-z0-9][a-z0-9.+-]*(=\S+)?$", w):
                return None
            out.append(w.split("=")[0])
    return out, maybe


def drop_substitutions(s):
    """The text without its `$( … )` command substitutions (computed package names)."""
    out, depth, i = [], 0, 0
    while i < len(s):
        if s.startswith("$(", i):
            depth += 1
            i += 2
            continue
        if depth and s[i] == "(":
            depth += 1
        elif depth and s[i] == ")":
            depth -= 1
            i += 1
            continue
        if not depth:
            out.append(s[i])
        i += 1
    return "".join(out)


def apk_installs(run, env, later):
    """Packages `apk add`ed by a RUN that stay installed (a `--virtual` group deleted by this or
    a later RUN does not), None when unsure."""
    out = []
    if re.search(r"apk\s+add[^;&|]*\$\(", run) or re.search(r"\|\s*xargs\b[^;&|]*\bapk\s+add", run):
        # `apk add … $(scanelf …)`, `scanelf … | xargs apk add`: computed names (see below)
        out.append(COMPUTED)
    run = drop_substitutions(run)
    for m in re.finditer(r"apk\s+add((?:\s+[^;&|]+)*)", run):
        ws = words(expand(m.group(1), env))
        virtual = None
        pkgs = []
        i = 0
        while i < len(ws):
            w = ws[i]
            if w in ("--virtual", "-t"):
                virtual = ws[i + 1] if i + 1 < len(ws) else None
                i += 2
                continue
            if w.startswith("-"):
                i += 1
                continue
            pkgs.append(w)
            i += 1
        if virtual and re.search(r"apk\s+del\b[^;&|]*\s" + re.escape(virtual) + r"\b", run + "\n" + later):
            continue
        for p in pkgs:
            if p.startswith("$(") or p.startswith("$") or p.endswith(")"):
                # Computed names (runtime libraries): bring no tracked program, but may bring
                # others (Alpine's tcl and tk packages hold their libraries and tclsh8.6/wish8.6).
                out.append(COMPUTED)
                continue
            if not re.match(r"^[a-z0-9][a-z0-9._+-]*$", p):
                return None
            out.append(p)
    return out


COMPUTED = "$computed"  # apk_installs' marker of a kept install of computed package names
BUILDPACK = {}  # "buildpack-deps" → git dir (read at its head), set by main()


def new_model():
    return {"texts": {}, "bins": set(), "maybe": set(), "links": {}, "env": {}, "entrypoint": None, "cmd": None,
            "workdir": None, "user": None, "stopsignal": None, "unsure": False, "added": set(), "base": None,
            "rel": None, "envs": {"PATH": DEFAULT_PATH}, "apk_kept": set()}


def start(m, base):
    """Apply a FROM: the base image's content. False when the base is not modelled."""
    name, _, tag = base.partition(":")
    if name == "alpine":
        m.update(shell="busybox", libc="musl", from_=base, cmd=["/bin/sh"])
        m["bins"].update(ALPINE_BASE)
        minor = re.match(r"^(3\.\d+)(\.\d+)?$", tag)
        if minor and minor.group(1) in ALPINE:
            m["base"] = ALPINE[minor.group(1)]["id"]
            m["bins"].update(ALPINE[minor.group(1)]["bins"])
    elif name == "debian" and release(tag.split("-")[0]):
        rel = release(tag.split("-")[0])
        m.update(shell="dash", libc="glibc", from_=base, base=rel.id, rel=rel, cmd=["bash"])
        m["bins"].update(rel.base())
    elif name == "ubuntu" and release(tag):
        rel = release(tag)
        m.update(shell="dash", libc="glibc", from_=base, base=rel.id, rel=rel, cmd=["/bin/bash"])
        m["bins"].update(UBUNTU_BASE)
        m["bins"].update(rel.base())
    elif name == "oraclelinux" and tag.endswith("-slim"):
        m.update(shell="bash", libc="glibc", from_=base)
        m["bins"].update(ORACLE_BASE)
    elif name == "buildpack-deps" and BUILDPACK.get("git"):
        # docker-library/buildpack-deps: <rel>-curl, <rel>-scm, <rel> (each FROM the previous).
        rel, _, kind = tag.partition("-")
        d = ("debian/" if release(rel) and not release(rel).id.startswith("ubuntu") else "ubuntu/") + rel
        d += "/" + kind if kind else ""
        text = git(BUILDPACK["git"], "show", f"HEAD:{d}/Dockerfile")
        if text is None or kind not in ("", "curl", "scm"):
            return False
        if not walk(BUILDPACK["git"], "HEAD", d, instructions(text), m, None):
            return False
        m["from_"] = base
    else:
        return False
    return True


def walk(repo_git, commit, directory, ins, m, image):
    """Read the last stage of a Dockerfile's instructions into m. False when not modelled."""
    stages = [i for i, (k, _) in enumerate(ins) if k == "FROM"]
    if not stages:
        return False
    ins = ins[stages[-1]:]
    env = m["envs"]
    args = {}
    runs = [a for k, a in ins if k == "RUN"]
    run_index = 0
    for k, a in ins:
        if k == "FROM":
            if not start(m, a.split()[0]):
                return False
            env = m["envs"]
        elif k == "ENV":
            parse_env(a, env, args)
        elif k == "ARG":
            am = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S*)", a)
            if am and am.group(1) not in env:
                args[am.group(1)] = expand(am.group(2).strip('"'), {**args, **env})
        elif k in ("COPY", "ADD"):
            ws = [w for w in a.split() if not w.startswith("--")]
            if any(w.startswith("--from") for w in a.split()):
                if image in PRODUCTS and PRODUCTS[image][1].startswith("/") and ws[-1].rstrip("/") in ("", PRODUCTS[image][1]):
                    m["bins"].update(PRODUCTS[image][0])
                    m["added"].update(PRODUCTS[image][0])
                else:
                    m["unsure"] = m["unsure"] or True
                continue
            if len(ws) < 2 or k == "ADD":
                m["unsure"] = m["unsure"] or True
                continue
            dest = expand(ws[-1], env)
            for src in ws[:-1]:
                if "*" in src:
                    listing = git(repo_git, "ls-tree", commit, f"{directory}/".lstrip("/")) or ""
                    mode = "\n".join(l for l in listing.splitlines()
                                     if fnmatch.fnmatchcase(os.path.basename(l.split("\t", 1)[-1]), src))
                else:
                    mode = git(repo_git, "ls-tree", commit, f"{directory}/{src}".lstrip("/"))
                if not mode:
                    m["unsure"] = m["unsure"] or True
                    continue
                for line in mode.splitlines():  # a glob or directory lists several
                    fmode, _, rest = line.partition(" ")
                    fname = rest.split("\t", 1)[-1]
                    path = dest.rstrip("/") + "/" + os.path.basename(fname) if (dest.endswith("/") or "*" in src or len(ws) > 2) else dest
                    if fmode == "100755" and path.startswith("/"):
                        m["bins"].add(path)
                        m["added"].add(path)
                        m["texts"][path] = git(repo_git, "show", f"{commit}:{fname}") or ""
        elif k == "RUN":
            later = "\n".join(runs[run_index + 1:])
            run_index += 1
            run = expand(a, env)
            rel = m["rel"]
            pk = apt_installs(a, env)
            if pk is None or ((pk[0] or pk[1]) and rel is None):
                m["unsure"] = m["unsure"] or True
            elif pk[0] or pk[1]:
                progs = rel.programs(pk[0])
                maybe = rel.programs(pk[0] + pk[1], every=True)
                if progs is None or maybe is None:
                    m["unsure"] = m["unsure"] or True
                else:
                    m["bins"].update(progs)
                    m["added"].update(progs)
                    m["maybe"].update(maybe)
            ak = apk_installs(a, env, later)
            if ak is None:
                m["unsure"] = m["unsure"] or True
            else:
                for p in ak:
                    if p == COMPUTED:
                        m["apk_kept"].add(p)
                        continue
                    if p not in APK_TRACKED:
                        m["unsure"] = m["unsure"] or True
                    m["bins"].update(APK_TRACKED.get(p, []))
                    m["apk_kept"].add(p)
            for lm in re.finditer(r"\bln\s+-s[a-zA-Z]*\s+(\S+)\s+(/\S+)", run):
                target, link = lm.group(1).strip("'\""), lm.group(2).strip("'\";")
                if "$" in link or "{" in link:
                    continue
                if "$" in target:
                    # A program link in a PATH directory to a versioned path
                    # (/usr/local/bin/yarn -> /opt/yarn-v$YARN_VERSION/bin/yarn): present.
                    if os.path.dirname(link) not in DEFAULT_PATH.split(":"):
                        continue
                    m["bins"].add(link)
                    m["added"].add(link)
                    continue
                if not target.startswith("/"):
                    target = os.path.normpath(os.path.join(os.path.dirname(link), target))
                m["links"][link] = target
        elif k == "ENTRYPOINT":
            m["entrypoint"] = command(a)
            m["cmd"] = None  # Docker resets CMD when ENTRYPOINT is set
        elif k == "CMD":
            m["cmd"] = command(a)
        elif k == "WORKDIR":
            m["workdir"] = expand(a, env)
        elif k == "USER":
            m["user"] = expand(a, env)
        elif k == "STOPSIGNAL":
            m["stopsignal"] = a
    return True


def read_image(repo_git, commit, directory, file, image):
    text = git(repo_git, "show", f"{commit}:{directory}/{file}".lstrip("/"))
    if text is None:
        return None
    ins = instructions(text)
    m = new_model()
    if not walk(repo_git, commit, directory, ins, m, image):
        return None
    if image == "golang" and PRODUCTS["golang-single"][1] in text and len([k for k, _ in ins if k == "FROM"]) == 1:
        m["bins"].update(PRODUCTS["golang-single"][0])
        m["added"].update(PRODUCTS["golang-single"][0])
    if image in PRODUCTS and not PRODUCTS[image][1].startswith("/"):
        if PRODUCTS[image][1] in text:
            m["bins"].update(PRODUCTS[image][0])
            m["added"].update(PRODUCTS[image][0])
        else:
            m["unsure"] = m["unsure"] or True
    env = m.pop("envs")
    rel = m.pop("rel")
    m["path"] = env["PATH"]
    # A value still holding an unexpanded `$` reference is not known: left out.
    m["env"] = {k: v for k, v in env.items() if k != "PATH" and not BUILD_ENV.search(k) and "$" not in v}
    if "$" in env["PATH"]:
        return None
    # Base-image programs: only the tracked names (and env) are written; any other name of a
    # non-complete image is unknown unless listed, so nothing else changes an answer.
    base_bins = merged(rel.base()) if rel else set()
    alpine = next((a for a in ALPINE.values() if a["id"] == m["base"]), None)
    if alpine:
        base_bins = set(alpine["bins"])
    if rel:
        m["bins"] = merged(m["bins"])
    m["bins"] = {b for b in m["bins"] if b.rsplit("/", 1)[1] in TRACKED or b in m["added"] or b not in base_bins}
    m["maybe"] = {b.rsplit("/", 1)[1] for b in m["maybe"]}
    m["claim"] = image in CLAIM and not m["unsure"]
    m["execs_args"] = execs_args(m)
    m.pop("texts")
    # Pinned: the final stage is FROM a Debian image (its package set is the release's
    # Essential/required closure, as debuerreotype's minbase builds it) and every install is
    # accounted for: then `bins` + the base + `maybe` is every program in the Debian PATH
    # directories (maintainer-script names aside, which kexit keeps unknown).
    # buildpack-deps' `-curl` and `-scm` variants (a short package list on top of the same
    # base, read like the image's own Dockerfile) keep the set pinned; the full variant's
    # hundreds of development packages do not.
    from_ = m.get("from_", "")
    m["pinned"] = m["claim"] and bool(m["base"]) and m["base"].startswith("debian-") \
        and (from_.startswith("debian:") or (from_.startswith("buildpack-deps:")
                                            and from_.endswith(("-curl", "-scm"))))
    # Alpine: FROM an alpine release whose base is read (alpine_bases), every install accounted
    # for, and every kept package one whose programs APK_KEPT bounds (they may be there).
    kept = m.pop("apk_kept")
    if m["claim"] and alpine and from_.startswith("alpine:") and kept <= set(APK_KEPT):
        m["pinned"] = True
        m["maybe"].update(n for p in kept for n in APK_KEPT[p])
    return m


# `exec "$@"` (or through gosu/su-exec/setpriv): the script runs its arguments as a command.
EXEC_ARGS = re.compile(r'^\s*exec\s+(?:(?:gosu|su-exec)\s+\S+\s+|setpriv\s+[^"]*)?"\$@"\s*$', re.M)
# The script first tests whether its first argument is a command (docker-node's entrypoint runs
# `node "$@"` otherwise): a name that is not found is not run.
TESTS_COMMAND = re.compile(r'command\s+-v\s+"?\$\{?1|which\s+"?\$\{?1|type\s+"?\$\{?1')


def execs_args(m):
    """The ENTRYPOINT script, when it ends up running its arguments as a command (after putting
    the image's program first when the first argument is an option): `exec "$@"` without first
    testing that the first argument is a command. None otherwise."""
    ep = m.get("entrypoint") or []
    if len(ep) != 1:
        return None
    path = ep[0]
    if not path.startswith("/"):
        path = next((p for p in m["texts"] if p.rsplit("/", 1)[1] == path), None)
    text = m["texts"].get(path or "", "")
    if not text or not EXEC_ARGS.search(text) or TESTS_COMMAND.search(text):
        return None
    return path


def fallbacks(image, models):
    """Rows for tags not read (newer or older than the clones): what every Dockerfile read of
    the variant agrees on (Alpine tags, other Linux tags); none when they disagree on a field
    that has no "unknown" form (PATH, ENTRYPOINT/CMD, WORKDIR, USER, shell, libc)."""
    out = []
    # Windows tags first: nothing known.
    out.append(json.dumps({"repo": image, "tags": ["*windowsservercore*", "*nanoserver*"], "shell": "unknown",
                           "libc": "unknown", "unknown": TRACKED, "source": "Windows: not read"}))
    for pattern, group in (("*alpine*", [m for m in models if m["libc"] == "musl"]),
                           ("*", [m for m in models if m["libc"] != "musl"])):
        if not group:
            continue
        first = group[0]
        same = all(all(m[k] == first[k] for k in ("path", "entrypoint", "cmd", "workdir", "user", "stopsignal",
                                                   "shell", "libc")) for m in group)
        if not same:
            continue
        bins = set.intersection(*[set(m["bins"]) for m in group])
        links = {k: v for k, v in first["links"].items() if all(m["links"].get(k) == v for m in group)}
        env = {k: v for k, v in first["env"].items() if all(m["env"].get(k) == v for m in group)}
        agreed = dict(first, bins=bins, links=links, env=env, claim=all(m.get("claim") for m in group),
                      pinned=all(m.get("pinned") for m in group),
                      execs_args=first.get("execs_args")
                      if all(m.get("execs_args") == first.get("execs_args") for m in group) else None,
                      maybe=set().union(*[m["maybe"] | {b.rsplit("/", 1)[1] for b in m["bins"]} for m in group]),
                      base=first["base"] if all(m["base"] == first["base"] for m in group) else None)
        out.append(row(image, [pattern], agreed, f"any other tag: what all {len(group)} Dockerfiles read agree on"))

    return out


def row(image, tags, m, source):
    """One catalogue row (a JSON line)."""
    present = {b.rsplit("/", 1)[1] for b in m["bins"]} | {l.rsplit("/", 1)[1] for l in m["links"]}
    r = {"repo": image, "tags": tags, "shell": m["shell"], "libc": m["libc"], "path": m["path"]}
    if m["base"]:
        r["base"] = m["base"]
    r["bins"] = sorted(m["bins"])
    if m["links"]:
        r["links"] = dict(sorted(m["links"].items()))
    # Every tracked command not surely present is unknown, unless the image's every install is
    # accounted for (`claim`) and none of them may bring it: then it is absent.
    r["unknown"] = [t for t in TRACKED if t not in present and (not m.get("claim") or t in m["maybe"])]
    if m.get("execs_args"):
        r["execs_args"] = m["execs_args"]
    if m.get("pinned") and m["base"]:
        # Every program of the Debian PATH directories is in bins, the base or `maybe`.
        r["pinned"] = True
        r["maybe"] = sorted(m["maybe"] - present)
    for k in ("entrypoint", "cmd", "workdir", "user", "stopsignal"):
        if m[k]:
            r[k] = m[k]
    if m["env"]:
        r["env"] = dict(sorted(m["env"].items()))
    r["source"] = source
    return json.dumps(r)


def merged(paths):
    """/bin/x and /usr/bin/x are one file on merged-/usr systems (Debian since bookworm's images,
    Ubuntu since 20.04)."""
    out = set(paths)
    for p in paths:
        for a, b in (("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/")):
            if p.startswith(a):
                out.add(b + p[len(a):])
            elif p.startswith(b):
                out.add(a + p[len(b):])
    return out


PATH_DIRS = ("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin")


def minirootfs_programs(data):
    """The paths of the PATH directories' files and symlinks in a minirootfs tarball (bytes)."""
    import io
    import tarfile
    out = set()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
        for mem in t.getmembers():
            name = mem.name[2:] if mem.name.startswith("./") else mem.name
            d, _, base = name.rpartition("/")
            if d in PATH_DIRS and base and not mem.isdir():
                out.add("/" + name)
    return out


def busybox_applets(gitdir, revs):
    """Every applet name busybox's source defines (`//applet:` lines, include/applets.src.h) at
    any of these revisions: whatever Alpine's configuration enables is among them."""
    names = set()
    pat = re.compile(r"APPLET[A-Z_]*\(\s*([^,\s]+)\s*,")
    for rev in revs:
        text = git(gitdir, "grep", "-h", "^//applet:", rev, "--", "*.c") or ""
        text += git(gitdir, "show", f"{rev}:include/applets.src.h") or ""
        names.update(pat.findall(text))
    return names


def alpine_bases(gitdir, busybox_git):
    """ALPINE: the programs of the PATH directories of each Alpine release's image.

    Exact for the releases the alpinelinux/docker-alpine snapshot has a branch for (`v3.N`: the
    minirootfs tarball of every architecture, the very file system of `alpine:3.N`; busybox's
    applet links included, as its install trigger created them): `bins` holds what every
    architecture has, `maybe` what only some have. For ALPINE_BOUNDED releases (no tarball
    here) a bound: `bins` holds what every exact release has, `maybe` every other name any of
    them has and every applet name busybox defines (any configuration); a name outside both is
    absent. Returns the header lines."""
    lines = []
    exact = {}
    for ref in sorted((git(gitdir, "for-each-ref", "--format=%(refname:short)", "refs/heads/") or "").split()):
        mm = re.match(r"^v(3\.\d+)$", ref)
        if not mm:
            continue
        ver = (git(gitdir, "show", f"{ref}:VERSION") or "").strip()
        tars = [f for f in (git(gitdir, "ls-tree", "-r", "--name-only", ref) or "").split()
                if f.endswith(".tar.gz") and "minirootfs" in f]
        progs = []
        for f in tars:
            data = subprocess.run(["git", "--git-dir", gitdir, "show", f"{ref}:{f}"], capture_output=True).stdout
            progs.append(minirootfs_programs(data))
        if not progs:
            continue
        both = set.intersection(*progs)
        names = {p.rsplit("/", 1)[1] for p in set.union(*progs) - both}
        exact[mm.group(1)] = both
        commit = (git(gitdir, "log", "-1", "--format=%h %cs", ref) or "? ?").split()
        ALPINE[mm.group(1)] = {"id": f"alpine-{mm.group(1)}", "bins": both, "maybe": names,
                               "source": f"alpine {ver}: minirootfs of {len(tars)} architectures"}
        lines.append(f"# alpine {ver}: docker-alpine {ref} at {commit[0]} ({commit[1]}), {len(tars)} minirootfs tarballs")
    if exact and busybox_git:
        revs = ["1_36_0", "1_36_1", "HEAD"]
        applets = busybox_applets(busybox_git, revs)
        head = (git(busybox_git, "log", "-1", "--format=%h %cs", "HEAD") or "? ?").split()
        every = set.intersection(*exact.values())
        seen = {p.rsplit("/", 1)[1] for v in exact.values() for p in v}
        for minor in ALPINE_BOUNDED:
            if minor in ALPINE:
                continue
            ALPINE[minor] = {"id": f"alpine-{minor}", "bins": every,
                             "maybe": (seen | applets) - {p.rsplit("/", 1)[1] for p in every},
                             "source": f"alpine {minor}: bounded (busybox applets, releases read)"}
        lines.append(f"# alpine {', '.join(ALPINE_BOUNDED)}: bounded by the releases above and busybox's applets "
                     f"(mirror/busybox {', '.join(revs[:-1])} and HEAD {head[0]} ({head[1]}): {len(applets)} names)")
    return lines


def main():
    if sys.argv[1:] == ["repack"]:
        return repack()
    repos = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
    oi = repos.get("official-images")
    if not oi:
        sys.exit(__doc__)
    oi_head = (git(oi, "log", "-1", "--format=%H %cs") or "? ?").split()
    lines = [
        "# kexit base-image catalogue rows, generated by tools/gen-data/gen_images.py: DO NOT EDIT.",
        "# What official images contain, read statically from their own Dockerfiles (see the",
        "# script's docstring for what is read and how exact it is). Schema: rules/base-images.yaml.",
        f"# source: docker-library/official-images library/ at {oi_head[0]} ({oi_head[1]}), every revision",
    ]
    body = []
    if repos.get("docker-alpine"):
        lines.extend(alpine_bases(repos["docker-alpine"], repos.get("busybox")))
    if repos.get("buildpack-deps"):
        BUILDPACK["git"] = repos["buildpack-deps"]
        head = (git(repos["buildpack-deps"], "log", "-1", "--format=%H %cs") or "? ?").split()
        lines.append(f"# source: buildpack-deps (the full variants' base): its Dockerfiles at its head {head[0][:12]} ({head[1]})")
    for image in IMAGES:
        g = repos.get(image)
        if not g:
            continue
        head = (git(g, "log", "-1", "--format=%H %cs") or "? ?").split()
        lines.append(f"# source: {image}: its Dockerfiles at the library's GitCommit (clone at {head[0][:12]}, {head[1]})")
        cache = {}

        def have(c, g=g, cache=cache):
            if c and c not in cache:
                cache[c] = subprocess.run(["git", "--git-dir", g, "cat-file", "-e", c + "^{commit}"],
                                          capture_output=True).returncode == 0
            return bool(c) and cache[c]

        tags = tag_map(oi, image, have)
        groups = {}
        for t, (fields, rev, date) in tags.items():
            key = (fields.get("GitCommit"), fields.get("Directory", "."), fields.get("File", "Dockerfile"))
            groups.setdefault(key, []).append(t)
        n = 0
        rows = {}
        for (commit, directory, file), ts in sorted(groups.items(), key=lambda kv: sorted(kv[1])[0]):
            if not commit:
                continue
            m = read_image(g, commit, directory.strip("/") if directory != "." else "", file, image)
            if m is None:
                continue
            n += 1
            sig = json.dumps({k: sorted(v) if isinstance(v, set) else v for k, v in m.items() if k not in ("added", "unsure")}, sort_keys=True)
            if sig in rows:
                rows[sig][0].extend(ts)
                continue
            rows[sig] = (list(ts), m, commit, directory, file)
        for ts, m, commit, directory, file in rows.values():
            body.append(row(image, sorted(ts), m, f"{directory}/{file} at {commit[:12]}, FROM {m['from_']}"))
        body.extend(fallbacks(image, [m for _, m, _, _, _ in rows.values()]))
        print(f"{image}: {len(tags)} tags, {n} Dockerfiles read", file=sys.stderr)
    # The Debian images themselves (debuerreotype's minbase: the Essential/required closure;
    # `-slim` only removes documentation): pinned rows for the releases with package data.
    for codename, version in (("bookworm", "12"), ("trixie", "13")):
        rel = release(codename)
        if rel is None:
            continue
        tags = [codename, f"{codename}-*", version, f"{version}.*", f"{version}-*"]
        body.append(json.dumps({"repo": "debian", "tags": tags, "shell": "dash", "libc": "glibc",
                                "path": DEFAULT_PATH, "base": rel.id, "bins": [],
                                "unknown": [],
                                "cmd": ["bash"], "pinned": True, "maybe": [],
                                "source": f"debian:{codename}: the release's Essential/required closure (package data)"}))
    # The alpine images themselves: pinned rows for the releases read (alpine_bases); the tags
    # of library/alpine (`3`, `latest`) go to the release they last pointed to.
    if ALPINE:
        owner = {}
        revs = git(oi, "log", "--since=2023-01-01", "--format=%H", "HEAD", "--", "library/alpine") or ""
        for rev in revs.split():
            for ts, _ in library_entries(git(oi, "show", f"{rev}:library/alpine") or ""):
                ver = next((t for t in ts if re.match(r"^3\.\d+\.\d+$", t)), None)
                for t in ts:
                    if ver:
                        owner.setdefault(t, ver.rsplit(".", 1)[0])
        for minor, a in sorted(ALPINE.items(), key=lambda kv: [int(x) for x in kv[0].split(".")]):
            tags = sorted({t for t, mn in owner.items() if mn == minor} | {minor, f"{minor}.*"})
            body.append(json.dumps({"repo": "alpine", "tags": tags, "shell": "busybox", "libc": "musl",
                                    "path": DEFAULT_PATH, "base": a["id"], "bins": sorted(ALPINE_BASE), "unknown": [],
                                    "cmd": ["/bin/sh"], "pinned": True, "maybe": [], "source": a["source"]}))
    for r in RELEASES.values():
        lines.append(f"# package data: {r.header[0]} ({[h for h in r.header if h.startswith('release:')][0]})")
    lines.append("# bases: the programs of the Essential/required packages (and their first-alternative")
    lines.append("# dependency closure) of a release, present in every image built on it.")
    lines.extend(FORMAT)
    bases = {r.id: sorted(merged(r.base())) for r in sorted(RELEASES.values(), key=lambda r: r.id)}
    bases.update({a["id"]: sorted(a["bins"]) for a in ALPINE.values()})
    lines.append("# alpine bases: `maybe` names what may also be in their PATH directories (any other name is absent).")
    bases_line = json.dumps({"bases": bases, "maybe": {a["id"]: sorted(a["maybe"]) for a in ALPINE.values()}})
    write_out(lines, bases_line, body)


FORMAT = [
    "# format: a record a line: `NNNN<TAB>{row}` for each row, in match order (the first row whose",
    "# repo and one of whose tags (`*` globs) match wins; fields as in rules/base-images.yaml, `base` =",
    "# include that release's base programs, `source` = where from), then `bases<TAB>{\"bases\":",
    "# {release: [paths]}, \"maybe\": …}`; official-images.heads lists each row's repo and tags.",
]
def write_out(header, bases_line, rows):
    """The catalogue rows as kexit reads them without inflating what a run does not match:
    - OUT: `header` (`#` lines), then a record `NNNN<TAB><row JSON>` per row (NNNN: the row's
      index, in match order) and a record `bases<TAB><bases JSON>`, zlib-compressed in blocks
      with an index (gen_pkgdata.py's `pack_blocks`, read by src/image/zblocks.rs): a matched
      row inflates its block, the bases their own.
    - HEADS (plain text, read whole at every run): `NNNN<TAB>repo<TAB>tags` per row, tags
      separated by spaces (`*` globs), what matching a reference needs."""
    from gen_pkgdata import pack_blocks  # noqa: E402  (tools/gen-data/gen_pkgdata.py)
    parsed = [json.loads(r) for r in rows]
    records = [f"{i:04d}\t{r}" for i, r in enumerate(rows)] + [f"bases\t{bases_line}"]
    text = "\n".join(header + records) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(pack_blocks(text.encode("utf-8"), 1))
    heads = ["# kexit base-image catalogue: the repository and tags of each row of official-images.zz",
             "# (row index, repository, tags separated by spaces), generated by tools/gen-data/gen_images.py:",
             "# DO NOT EDIT."]
    for i, r in enumerate(parsed):
        assert all(t and " " not in t and "\t" not in t for t in r["tags"]), r["tags"]
        heads.append(f"{i:04d}\t{r['repo']}\t{' '.join(r['tags'])}")
    with open(HEADS, "w", encoding="utf-8") as f:
        f.write("\n".join(heads) + "\n")
    print(f"{OUT}: {os.path.getsize(OUT)} bytes, {len(rows)} rows; {HEADS}: {os.path.getsize(HEADS)} bytes",
          file=sys.stderr)


def repack():
    """Rewrite OUT and HEADS from OUT's own text (after a change of `write_out`'s layout or of
    the block size): the header, rows and bases are kept as they are."""
    header, rows, bases_line = [], [], None
    for line in zlib.decompress(open(OUT, "rb").read()).decode("utf-8").split("\n"):
        if line.startswith("#"):
            header.append(line)
        elif line:
            key, body = line.split("\t", 1)
            if key == "bases":
                bases_line = body
            else:
                rows.append(body)
    assert bases_line is not None, "repack: no bases record"
    write_out(header, bases_line, rows)


if __name__ == "__main__":
    main()
