"""Base images for the runtime suite, made locally (no registry is reachable).

- `debian:bookworm-slim`: a minimal Debian root file system assembled from Debian's packages, which
  apt downloads from the mirror in apt's own configuration (/etc/apt), extracted with dpkg-deb
  into a merged-/usr tree and imported with `docker import`.
- `busybox:1.35`: `busybox-static` from Debian, its applets linked in /bin like the official image.
- static programs (tests/runtime/bin/*.c) built here with the host's C compiler.

The images carry the names of the official images they stand for, so kexit's base-image knowledge
applies to the cases' Dockerfiles exactly as it would for a user. The root file systems are cached
under ${XDG_CACHE_HOME:-~/.cache}/kexit-runtime, keyed by the exact package versions; an image whose
label carries the same key is reused.
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILDER_VERSION = "1"
LABEL = "org.kexit.runtime.key"
DEBIAN_TAG = "debian:bookworm-slim"
BUSYBOX_TAG = "busybox:1.35"
# The packages of the Debian image (their Depends/Pre-Depends closure is added): a shell (dash as
# /bin/sh), bash, coreutils (env, sleep, …), and the files every Debian root has.
DEBIAN_ROOTS = ["base-files", "base-passwd", "bash", "coreutils", "dash", "debianutils"]
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    d = Path(base) / "kexit-runtime"
    d.mkdir(parents=True, exist_ok=True)
    return d


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def log(msg):
    print(f"runtime: {msg}", flush=True)


def apt_ready() -> None:
    """apt needs its package lists; a fresh machine has none until `apt-get update`."""
    probe = subprocess.run(["apt-cache", "policy", "dash"], text=True, capture_output=True)
    if "Candidate:" not in probe.stdout or "Candidate: (none)" in probe.stdout:
        log("apt has no package lists: apt-get update")
        run(["apt-get", "update", "-qq"])


def closure(roots):
    out = run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *roots]
    ).stdout
    names = sorted({ln.strip() for ln in out.splitlines() if ln[:1].isalnum()})
    return names


def candidate_versions(names):
    out = run(["apt-cache", "policy", *names]).stdout
    versions, current = {}, None
    for ln in out.splitlines():
        if ln and not ln.startswith(" "):
            current = ln.rstrip(":")
        elif current and ln.strip().startswith("Candidate:"):
            v = ln.split(":", 1)[1].strip()
            if v != "(none)":
                versions[current] = v
    return versions


def download(pkgs: dict, into: Path) -> list:
    """`apt-get download` (apt reads the mirror from its own configuration) into the cache."""
    into.mkdir(parents=True, exist_ok=True)
    want = [f"{n}={v}" for n, v in sorted(pkgs.items())]
    missing = [w for w in want if not list(into.glob(deb_glob(w)))]
    if missing:
        log(f"apt-get download {len(missing)} packages")
        run(["apt-get", "download", *missing], cwd=into)
    debs = []
    for w in want:
        found = sorted(into.glob(deb_glob(w)))
        if not found:
            raise RuntimeError(f"apt-get download did not produce {w}")
        debs.append(found[0])
    return debs


def deb_glob(name_eq_version: str) -> str:
    name, version = name_eq_version.split("=", 1)
    # apt-get download writes the epoch's ':' as '%3a'
    return f"{name}_{version.replace(':', '%3a')}_*.deb"


def key_of(parts) -> str:
    h = hashlib.sha256()
    h.update(BUILDER_VERSION.encode())
    for p in parts:
        h.update(b"\0" + p.encode())
    return h.hexdigest()[:16]


def image_key(tag: str):
    r = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{index .Config.Labels \"" + LABEL + "\"}}", tag],
        text=True, capture_output=True,
    )
    return r.stdout.strip() if r.returncode == 0 else None


def import_rootfs(tar_path: Path, tag: str, key: str, cmd: str) -> None:
    run([
        "docker", "import",
        "--change", f"ENV {PATH_ENV}",
        "--change", f"CMD {cmd}",
        "--change", f"LABEL {LABEL}={key}",
        str(tar_path), tag,
    ])


def merged_usr_root(root: Path) -> None:
    for d in ["usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "tmp", "root", "proc", "sys",
              "dev", "run", "var/tmp", "home"]:
        (root / d).mkdir(parents=True, exist_ok=True)
    for link in ["bin", "sbin", "lib", "lib64"]:
        os.symlink(f"usr/{link}", root / link)
    os.chmod(root / "tmp", 0o1777)
    os.chmod(root / "var/tmp", 0o1777)


def build_debian() -> str:
    apt_ready()
    versions = candidate_versions(closure(DEBIAN_ROOTS))
    key = key_of([f"{n}={v}" for n, v in sorted(versions.items())])
    if image_key(DEBIAN_TAG) == key:
        return f"{DEBIAN_TAG} (cached, key {key})"
    cache = cache_dir()
    tar_path = cache / f"debian-{key}.tar"
    if not tar_path.exists():
        debs = download(versions, cache / "debs")
        with tempfile.TemporaryDirectory(prefix="kexit-rootfs-") as tmp:
            root = Path(tmp) / "root"
            merged_usr_root(root)
            for deb in debs:
                data = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                                        stdout=subprocess.PIPE)
                subprocess.run(["tar", "-x", "--keep-directory-symlink", "-C", str(root)],
                               stdin=data.stdout, check=True)
                data.stdout.close()
                if data.wait() != 0:
                    raise RuntimeError(f"dpkg-deb failed on {deb}")
            # What maintainer scripts would do, for the parts a container needs.
            master = root / "usr/share/base-passwd"
            for name in ["passwd", "group"]:
                src = master / f"{name}.master"
                if src.exists():
                    shutil.copy(src, root / "etc" / name)
            if not (root / "bin/sh").exists():
                os.symlink("dash", root / "usr/bin/sh")
            part = tar_path.with_suffix(".part")
            run(["tar", "-C", str(root), "--numeric-owner", "-cf", str(part), "."])
            part.rename(tar_path)
    import_rootfs(tar_path, DEBIAN_TAG, key, '["bash"]')
    return f"{DEBIAN_TAG} (built, key {key}, {len(versions)} packages)"


def build_busybox() -> str:
    apt_ready()
    versions = candidate_versions(["busybox-static"])
    key = key_of([f"{n}={v}" for n, v in sorted(versions.items())])
    if image_key(BUSYBOX_TAG) == key:
        return f"{BUSYBOX_TAG} (cached, key {key})"
    cache = cache_dir()
    tar_path = cache / f"busybox-{key}.tar"
    if not tar_path.exists():
        debs = download(versions, cache / "debs")
        with tempfile.TemporaryDirectory(prefix="kexit-busybox-") as tmp:
            x = Path(tmp) / "x"
            x.mkdir()
            run(["dpkg-deb", "-x", str(debs[0]), str(x)])
            bb = next(p for p in [x / "bin/busybox", x / "usr/bin/busybox"] if p.exists())
            root = Path(tmp) / "root"
            for d in ["bin", "etc", "tmp", "root", "proc", "sys", "dev"]:
                (root / d).mkdir(parents=True)
            os.chmod(root / "tmp", 0o1777)
            shutil.copy(bb, root / "bin/busybox")
            os.chmod(root / "bin/busybox", 0o755)
            applets = run([str(bb), "--list"]).stdout.split()
            for a in applets:
                if a != "busybox" and not (root / "bin" / a).exists():
                    os.symlink("busybox", root / "bin" / a)
            (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n"
                                             "nobody:x:65534:65534:nobody:/home:/bin/false\n")
            (root / "etc/group").write_text("root:x:0:\nnogroup:x:65534:\n")
            part = tar_path.with_suffix(".part")
            run(["tar", "-C", str(root), "--numeric-owner", "-cf", str(part), "."])
            part.rename(tar_path)
    import_rootfs(tar_path, BUSYBOX_TAG, key, '["sh"]')
    return f"{BUSYBOX_TAG} (built, key {key})"


def build_static(out: Path) -> dict:
    """Static programs the cases copy into their images."""
    out.mkdir(parents=True, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    built = {}
    for src in sorted((HERE / "bin").glob("*.c")):
        exe = out / src.stem
        run([cc, "-static", "-O2", "-Wall", "-o", str(exe), str(src)])
        built[src.stem] = exe
    # The same server linked dynamically against the host's glibc (ELF interpreter
    # /lib64/ld-linux-x86-64.so.2): what `go build` with cgo or a default `cargo build` produces.
    glibc = out / "server-glibc"
    run([cc, "-O2", "-Wall", "-o", str(glibc), str(HERE / "bin" / "server.c")])
    built["server-glibc"] = glibc
    arm = out / "exit0-arm64"
    arm.write_bytes(aarch64_exit0())
    built["exit0-arm64"] = arm
    return built


def aarch64_exit0() -> bytes:
    """A complete static aarch64 Linux program that exits 0 (ELF header, one PT_LOAD segment,
    three instructions): an image's binary built for another CPU than the engine's."""
    import struct
    base, ehsize, phsize = 0x400000, 64, 56
    code = struct.pack("<3I", 0xD2800000, 0xD2800BA8, 0xD4000001)  # mov x0,#0; mov x8,#93; svc #0
    size = ehsize + phsize + len(code)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little endian, SysV
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, base + ehsize + phsize, ehsize, 0,
                                 0, ehsize, phsize, 1, 0, 0, 0)  # ET_EXEC, EM_AARCH64
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)  # PT_LOAD, R+X
    return header + phdr + code


def build_all(out: Path) -> dict:
    notes = [build_debian(), build_busybox()]
    return {"bins": build_static(out), "notes": notes}
