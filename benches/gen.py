#!/usr/bin/env python3
"""Synthetic inputs for the kexit benchmarks (deterministic: same arguments, same bytes).

  gen.py monorepo OUT [--scale N]   a monorepo: at scale 1, 20,000 manifest files holding
                                    50,000 documents, 2,000 services each with a multi-stage
                                    Dockerfile and scripts, ConfigMaps referenced across
                                    directories (scale N multiplies everything by N)
  gen.py dockerfiles OUT [--count N] realistic Dockerfiles in the style of the official images
                                    (multi-stage, long `set -eux; ...` RUN lines), one per
                                    directory, for the side-by-side run with hadolint
  gen.py shared-context OUT [--count N]
                                    N Dockerfiles (`docker/svc-NNNN.Dockerfile`) in one
                                    directory, built from it (their shared context) or, one in
                                    ten, from the repository root through docker-compose.yml
  gen.py duplicated OUT [--services N]
                                    N services, 40 per namespace; each ConfigMap defined in 10
                                    files (one per environment directory): 11 files a service
  gen.py namespace OUT [--objects N]
                                    one namespace with N objects (Deployments, Services,
                                    ConfigMaps, Secrets, ServiceAccounts; 1 % dangling references)

A few percent of the objects carry defects kexit reports (command with spaces, millibyte
memory, a missing ConfigMap key), so the run does real reporting work too.
"""

import argparse
import os
import random
import sys

TEAMS = ["payments", "search", "identity", "platform", "media", "growth", "data", "infra"]
BASES = [
    ("python:3.12-slim", "python"),
    ("node:20-alpine", "node"),
    ("golang:1.22", "go"),
    ("eclipse-temurin:21-jre", "java"),
    ("nginx:1.27-alpine", "nginx"),
]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# Monorepo


def dockerfile_for(lang, svc, rnd):
    if lang == "go":
        return f"""# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/{svc} ./cmd/{svc}

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/{svc} /usr/local/bin/{svc}
USER nonroot
ENTRYPOINT ["/usr/local/bin/{svc}"]
CMD ["--port=8080"]
"""
    if lang == "python":
        return f"""FROM python:3.12-slim AS deps
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_HOME=/app
WORKDIR /app
RUN set -eux; \\
    apt-get update; \\
    apt-get install -y --no-install-recommends ca-certificates curl tini; \\
    rm -rf /var/lib/apt/lists/*; \\
    useradd --system --uid 10001 --home-dir /app app
COPY --from=deps /install /usr/local
COPY --chown=app:app . /app
RUN chmod 0755 /app/entrypoint.sh
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "/app/entrypoint.sh"]
CMD ["python", "-m", "{svc.replace('-', '_')}", "--workers", "{rnd.randint(2, 8)}"]
"""
    if lang == "node":
        return f"""FROM node:20-alpine AS build
WORKDIR /app
COPY package.json ./
RUN npm ci --omit=dev
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
COPY entrypoint.sh /usr/local/bin/entrypoint.sh
RUN chmod +x /usr/local/bin/entrypoint.sh && apk add --no-cache tini
USER node
ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/entrypoint.sh"]
CMD ["node", "dist/server.js"]
"""
    if lang == "java":
        return f"""FROM eclipse-temurin:21-jdk AS build
WORKDIR /workspace
COPY . .
RUN ./gradlew --no-daemon bootJar && cp build/libs/*.jar /workspace/app.jar

FROM eclipse-temurin:21-jre
WORKDIR /opt/{svc}
COPY --from=build /workspace/app.jar app.jar
COPY entrypoint.sh /opt/{svc}/entrypoint.sh
RUN chmod 755 /opt/{svc}/entrypoint.sh
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["/opt/{svc}/entrypoint.sh"]
CMD ["java", "-jar", "app.jar"]
"""
    return f"""FROM nginx:1.27-alpine
COPY nginx.conf /etc/nginx/conf.d/default.conf
COPY public/ /usr/share/nginx/html/
COPY entrypoint.sh /docker-entrypoint.d/40-{svc}.sh
RUN chmod +x /docker-entrypoint.d/40-{svc}.sh
STOPSIGNAL SIGQUIT
"""


ENTRYPOINT_SH = """#!/bin/sh
set -eu
: "${{PORT:=8080}}"
if [ -n "${{CONFIG_FILE:-}}" ] && [ -f "$CONFIG_FILE" ]; then
  echo "loading $CONFIG_FILE"
fi
for f in /docker-entrypoint.d/*.sh; do
  [ -e "$f" ] || continue
  . "$f"
done
echo "starting {svc} on $PORT"
exec "$@"
"""

HEALTH_SH = """#!/bin/sh
wget -q -O /dev/null "http://127.0.0.1:${{PORT:-8080}}/healthz" || exit 1
"""


def service_files(root, i, svc, lang, rnd):
    d = os.path.join(root, "services", svc)
    write(os.path.join(d, "Dockerfile"), dockerfile_for(lang, svc, rnd))
    write(os.path.join(d, "entrypoint.sh"), ENTRYPOINT_SH.format(svc=svc))
    os.chmod(os.path.join(d, "entrypoint.sh"), 0o755)
    write(os.path.join(d, "healthcheck.sh"), HEALTH_SH.format())
    if lang == "python":
        write(os.path.join(d, "requirements.txt"), "flask==3.0.3\ngunicorn==22.0.0\n")
        write(os.path.join(d, svc.replace("-", "_"), "__main__.py"), "print('hi')\n")
    elif lang == "node":
        write(os.path.join(d, "package.json"), '{"name": "%s", "version": "1.0.0"}\n' % svc)
    elif lang == "go":
        write(os.path.join(d, "go.mod"), f"module example.com/{svc}\n\ngo 1.22\n")
        write(os.path.join(d, "cmd", svc, "main.go"), "package main\n\nfunc main() {}\n")
    elif lang == "nginx":
        write(os.path.join(d, "nginx.conf"), "server { listen 8080; }\n")
        write(os.path.join(d, "public", "index.html"), "<h1>hi</h1>\n")


def meta(name, team, extra=""):
    return f"""metadata:
  name: {name}
  namespace: {team}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: {team}{extra}
"""


def deployment(svc, team, lang, shared_cm, rnd, defect):
    image = f"registry.example.com/{team}/{svc}:1.{rnd.randint(0, 40)}.{rnd.randint(0, 9)}"
    mem = rnd.choice(["256Mi", "512Mi", "1Gi"])
    if defect == "millibytes":
        mem = "512m"
    cmd = ""
    if defect == "spaces":
        cmd = '\n          command: ["/app/entrypoint.sh --serve"]'
    key = "settings.yaml" if defect != "missing-key" else "no-such-key.yaml"
    return f"""apiVersion: apps/v1
kind: Deployment
{meta(svc, team)}spec:
  replicas: {rnd.randint(1, 6)}
  selector:
    matchLabels:
      app.kubernetes.io/name: {svc}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {svc}
    spec:
      serviceAccountName: {svc}
      terminationGracePeriodSeconds: 30
      containers:
        - name: {svc}
          image: {image}{cmd}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: PORT
              value: "8080"
            - name: CONFIG_FILE
              value: /etc/{svc}/settings.yaml
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef:
                  name: {shared_cm}
                  key: log-level
          envFrom:
            - configMapRef:
                name: {svc}-env
          resources:
            requests:
              cpu: 100m
              memory: {mem}
            limits:
              memory: {mem}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
          volumeMounts:
            - name: config
              mountPath: /etc/{svc}/settings.yaml
              subPath: {key}
      volumes:
        - name: config
          configMap:
            name: {svc}-config
---
apiVersion: v1
kind: Service
{meta(svc, team)}spec:
  selector:
    app.kubernetes.io/name: {svc}
  ports:
    - name: http
      port: 80
      targetPort: http
"""


def configmaps(svc, team, rnd):
    return f"""apiVersion: v1
kind: ConfigMap
{meta(svc + "-config", team)}data:
  settings.yaml: |
    server:
      port: 8080
      timeout: {rnd.randint(5, 60)}s
    features:
      flagA: {rnd.choice(["true", "false"])}
      flagB: {rnd.choice(["true", "false"])}
---
apiVersion: v1
kind: ConfigMap
{meta(svc + "-env", team)}data:
  REGION: eu-west-1
  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4317
"""


def secret(svc, team):
    return f"""apiVersion: v1
kind: Secret
{meta(svc + "-db", team)}type: Opaque
stringData:
  DATABASE_URL: postgres://{svc}@db.{team}.svc:5432/{svc.replace("-", "_")}
"""


def autoscaling(svc, team, rnd):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{meta(svc, team)}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {svc}
  minReplicas: 2
  maxReplicas: {rnd.randint(4, 30)}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
{meta(svc, team)}spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {svc}
"""


def rbac(svc, team):
    return f"""apiVersion: v1
kind: ServiceAccount
{meta(svc, team)}---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
{meta(svc, team)}rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
{meta(svc, team)}subjects:
  - kind: ServiceAccount
    name: {svc}
    namespace: {team}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {svc}
"""


def cronjob(svc, team, shared_cm, rnd):
    return f"""apiVersion: batch/v1
kind: CronJob
{meta(svc + "-cleanup", team)}spec:
  schedule: "{rnd.randint(0, 59)} {rnd.randint(0, 23)} * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: busybox:1.36
              command: ["sh", "-c", "echo cleaning {svc}; find /data -mtime +7 -delete"]
              envFrom:
                - configMapRef:
                    name: {shared_cm}
              resources:
                limits:
                  memory: 64Mi
              volumeMounts:
                - name: data
                  mountPath: /data
          volumes:
            - name: data
              emptyDir: {{}}
"""


def job(svc, team, rnd):
    return f"""apiVersion: batch/v1
kind: Job
{meta(svc + "-migrate", team)}spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/{team}/{svc}:1.0.0
          args: ["migrate", "--to", "latest"]
          resources:
            limits:
              memory: 128Mi
          volumeMounts:
            - name: scripts
              mountPath: /scripts
      volumes:
        - name: scripts
          configMap:
            name: {svc}-scripts
            defaultMode: 0755
---
apiVersion: v1
kind: ConfigMap
{meta(svc + "-scripts", team)}data:
  migrate.sh: |
    #!/bin/sh
    set -e
    echo "migrating {svc}"
"""


def netpol(svc, team):
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{meta(svc + "-ingress", team)}spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {svc}
  policyTypes: ["Ingress"]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{meta(svc + "-egress", team)}spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {svc}
  policyTypes: ["Egress"]
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/8
"""


def ingress(svc, team):
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
{meta(svc, team)}spec:
  ingressClassName: nginx
  rules:
    - host: {svc}.{team}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {svc}
                port:
                  name: http
"""


def shared_configs(team, idx, n, rnd):
    docs = []
    for k in range(n):
        docs.append(f"""apiVersion: v1
kind: ConfigMap
{meta(f"shared-{team}-{idx:05d}-{k}", team)}data:
  log-level: {rnd.choice(["info", "debug", "warn"])}
  tracing: "{rnd.choice(["on", "off"])}"
  endpoints.json: |
    {{"upstream": "http://svc-{rnd.randint(0, 999)}.{team}:80", "retries": {rnd.randint(1, 5)}}}
""")
    return "---\n".join(docs)


def monorepo(out, scale, seed, services=None):
    rnd = random.Random(seed)
    n_services = services or 2000 * scale
    os.makedirs(os.path.join(out, ".git"), exist_ok=True)
    write(os.path.join(out, "README.md"), "synthetic monorepo for kexit benchmarks\n")
    files = docs = 0
    for i in range(n_services):
        team = TEAMS[i % len(TEAMS)]
        svc = f"svc-{i:05d}"
        lang = BASES[i % len(BASES)][1]
        service_files(out, i, svc, lang, rnd)
        # Same team (i - 8 ≡ i mod 8), another service's file, another directory.
        shared_cm = f"shared-{team}-{max(i - 8, i % 8):05d}-{i % 8}"
        r = rnd.random()
        defect = None
        if r < 0.01:
            defect = "spaces"
        elif r < 0.02:
            defect = "millibytes"
        elif r < 0.03:
            defect = "missing-key"
        d = os.path.join(out, "deploy", team, svc)
        per = [
            ("deployment.yaml", deployment(svc, team, lang, shared_cm, rnd, defect), 2),
            ("configmap.yaml", configmaps(svc, team, rnd), 2),
            ("secret.yaml", secret(svc, team), 1),
            ("autoscaling.yaml", autoscaling(svc, team, rnd), 2),
            ("rbac.yaml", rbac(svc, team), 3),
            ("cronjob.yaml", cronjob(svc, team, shared_cm, rnd), 1),
            ("job.yaml", job(svc, team, rnd), 2),
            ("networkpolicy.yaml", netpol(svc, team), 2),
            ("ingress.yaml", ingress(svc, team), 1),
        ]
        for name, text, n in per:
            write(os.path.join(d, name), text)
            files += 1
            docs += n
        # 10th file: 9 ConfigMaps in the team's config tree (another directory), referenced by
        # a deployment of another service of the team: 25 documents per service.
        write(
            os.path.join(out, "config", team, f"shared-{i:05d}.yaml"),
            shared_configs(team, i, 9, rnd),
        )
        files += 1
        docs += 9
    return files, docs, n_services


# ---------------------------------------------------------------------------------------------
# Realistic Dockerfiles (official-image style)

OFFICIAL = [
    # python:3.12-slim-bookworm, shortened but with the real shape
    """FROM debian:bookworm-slim AS base
ENV PATH /usr/local/bin:$PATH
ENV LANG C.UTF-8
RUN set -eux; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends \\
\t\tca-certificates \\
\t\tnetbase \\
\t\ttzdata \\
\t; \\
\trm -rf /var/lib/apt/lists/*
ENV GPG_KEY {gpg}
ENV PYTHON_VERSION 3.12.{minor}

FROM base AS build
RUN set -eux; \\
\t\\
\tsavedAptMark="$(apt-mark showmanual)"; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends \\
\t\tdpkg-dev \\
\t\tgcc \\
\t\tgnupg \\
\t\tlibbluetooth-dev \\
\t\tlibbz2-dev \\
\t\tlibc6-dev \\
\t\tlibdb-dev \\
\t\tlibexpat1-dev \\
\t\tlibffi-dev \\
\t\tlibgdbm-dev \\
\t\tliblzma-dev \\
\t\tlibncursesw5-dev \\
\t\tlibreadline-dev \\
\t\tlibsqlite3-dev \\
\t\tlibssl-dev \\
\t\tmake \\
\t\ttk-dev \\
\t\tuuid-dev \\
\t\twget \\
\t\txz-utils \\
\t\tzlib1g-dev \\
\t; \\
\t\\
\twget -O python.tar.xz "https://www.python.org/ftp/python/${{PYTHON_VERSION%%[a-z]*}}/Python-$PYTHON_VERSION.tar.xz"; \\
\twget -O python.tar.xz.asc "https://www.python.org/ftp/python/${{PYTHON_VERSION%%[a-z]*}}/Python-$PYTHON_VERSION.tar.xz.asc"; \\
\tGNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \\
\tgpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$GPG_KEY"; \\
\tgpg --batch --verify python.tar.xz.asc python.tar.xz; \\
\tgpgconf --kill all; \\
\trm -rf "$GNUPGHOME" python.tar.xz.asc; \\
\tmkdir -p /usr/src/python; \\
\ttar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \\
\trm python.tar.xz; \\
\t\\
\tcd /usr/src/python; \\
\tgnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \\
\t./configure \\
\t\t--build="$gnuArch" \\
\t\t--enable-loadable-sqlite-extensions \\
\t\t--enable-optimizations \\
\t\t--enable-option-checking=fatal \\
\t\t--enable-shared \\
\t\t--with-lto \\
\t\t--with-system-expat \\
\t\t--without-ensurepip \\
\t; \\
\tnproc="$(nproc)"; \\
\tEXTRA_CFLAGS="$(dpkg-buildflags --get CFLAGS)"; \\
\tLDFLAGS="$(dpkg-buildflags --get LDFLAGS)"; \\
\tmake -j "$nproc" \\
\t\t"EXTRA_CFLAGS=${{EXTRA_CFLAGS:-}}" \\
\t\t"LDFLAGS=${{LDFLAGS:-}}" \\
\t\t"PROFILE_TASK=${{PROFILE_TASK:-}}" \\
\t; \\
\trm python; \\
\tmake -j "$nproc" \\
\t\t"EXTRA_CFLAGS=${{EXTRA_CFLAGS:-}}" \\
\t\t"LDFLAGS=${{LDFLAGS:--Wl}},-rpath='\\$\\$ORIGIN/../lib'" \\
\t\tpython \\
\t; \\
\tmake install; \\
\t\\
\tcd /; \\
\trm -rf /usr/src/python; \\
\t\\
\tfind /usr/local -depth \\
\t\t\\( \\
\t\t\t\\( -type d -a \\( -name test -o -name tests -o -name idle_test \\) \\) \\
\t\t\t-o \\( -type f -a \\( -name '*.pyc' -o -name '*.pyo' -o -name 'libpython*.a' \\) \\) \\
\t\t\\) -exec rm -rf '{{}}' + \\
\t; \\
\t\\
\tldconfig; \\
\t\\
\tapt-mark auto '.*' > /dev/null; \\
\tapt-mark manual $savedAptMark; \\
\tfind /usr/local -type f -executable -not \\( -name '*tkinter*' \\) -exec ldd '{{}}' ';' \\
\t\t| awk '/=>/ {{ so = $(NF-1); if (index(so, "/usr/local/") == 1) {{ next }}; gsub("^/(usr/)?", "", so); printf "*%s\\n", so }}' \\
\t\t| sort -u \\
\t\t| xargs -r dpkg-query --search \\
\t\t| cut -d: -f1 \\
\t\t| sort -u \\
\t\t| xargs -r apt-mark manual \\
\t; \\
\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\
\trm -rf /var/lib/apt/lists/*; \\
\t\\
\tpython3 --version

RUN set -eux; \\
\tfor src in idle3 pydoc3 python3 python3-config; do \\
\t\tdst="$(echo "$src" | tr -d 3)"; \\
\t\t[ -s "/usr/local/bin/$src" ]; \\
\t\t[ ! -e "/usr/local/bin/$dst" ]; \\
\t\tln -svT "$src" "/usr/local/bin/$dst"; \\
\tdone

FROM base
COPY --from=build /usr/local /usr/local
COPY docker-entrypoint.sh /usr/local/bin/
WORKDIR /app
EXPOSE {port}
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["python3"]
""",
    # nginx-style
    """FROM debian:bookworm-slim
LABEL maintainer="NGINX Docker Maintainers <docker-maint@nginx.com>"
ENV NGINX_VERSION   1.27.{minor}
ENV NJS_VERSION     0.8.{minor}
ENV PKG_RELEASE     1~bookworm
RUN set -x \\
    && groupadd --system --gid 101 nginx \\
    && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx \\
    && apt-get update \\
    && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates \\
    && \\
    NGINX_GPGKEYS="573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 8540A6F18833A80E9C1653A42FD21310B49F6B46 9E9BE90EACBCDE69FE9B204CBCDCD8A38D88A2B3"; \\
    NGINX_GPGKEY_PATH=/etc/apt/keyrings/nginx-archive-keyring.gpg; \\
    export GNUPGHOME="$(mktemp -d)"; \\
    found=''; \\
    for NGINX_GPGKEY in $NGINX_GPGKEYS; do \\
        for server in \\
            hkp://keyserver.ubuntu.com:80 \\
            pgp.mit.edu \\
        ; do \\
            echo "Fetching GPG key $NGINX_GPGKEY from $server"; \\
            gpg1 --keyserver "$server" --keyserver-options timeout=10 --recv-keys "$NGINX_GPGKEY" && found=yes && break; \\
        done; \\
        test -z "$found" && echo >&2 "error: failed to fetch GPG key $NGINX_GPGKEY" && exit 1; \\
    done; \\
    gpg1 --export $NGINX_GPGKEYS > "$NGINX_GPGKEY_PATH" ; \\
    rm -rf "$GNUPGHOME"; \\
    apt-get remove --purge --auto-remove -y gnupg1 && rm -rf /var/lib/apt/lists/* \\
    && dpkgArch="$(dpkg --print-architecture)" \\
    && nginxPackages=" \\
        nginx=${{NGINX_VERSION}}-${{PKG_RELEASE}} \\
        nginx-module-xslt=${{NGINX_VERSION}}-${{PKG_RELEASE}} \\
        nginx-module-geoip=${{NGINX_VERSION}}-${{PKG_RELEASE}} \\
        nginx-module-image-filter=${{NGINX_VERSION}}-${{PKG_RELEASE}} \\
        nginx-module-njs=${{NGINX_VERSION}}+${{NJS_VERSION}}-${{PKG_RELEASE}} \\
    " \\
    && case "$dpkgArch" in \\
        amd64|arm64) \\
            echo "deb [signed-by=$NGINX_GPGKEY_PATH] https://nginx.org/packages/mainline/debian/ bookworm nginx" >> /etc/apt/sources.list.d/nginx.list \\
            && apt-get update \\
            ;; \\
        *) \\
            tempDir="$(mktemp -d)" \\
            && chmod 777 "$tempDir" \\
            && savedAptMark="$(apt-mark showmanual)" \\
            && apt-get update \\
            && apt-get install --no-install-recommends --no-install-suggests -y \\
                curl devscripts equivs git libxml2-utils lsb-release xsltproc \\
            && ( \\
                cd "$tempDir" \\
                && REVISION="${{NGINX_VERSION}}-${{PKG_RELEASE}}" \\
                && REVISION=${{REVISION%~*}} \\
                && curl -f -L -O https://github.com/nginx/pkg-oss/archive/${{REVISION}}.tar.gz \\
                && tar xzf ${{REVISION}}.tar.gz \\
                && cd pkg-oss-${{REVISION}} \\
                && cd debian \\
                && for target in base module-geoip module-image-filter module-njs module-xslt; do \\
                    make rules-$target; \\
                    mk-build-deps --install --tool="apt-get -o Debug::pkgProblemResolver=yes --no-install-recommends --yes" \\
                        debuild-$target/nginx-$NGINX_VERSION/debian/control; \\
                done \\
                && make base module-geoip module-image-filter module-njs module-xslt \\
            ) \\
            && apt-mark showmanual | xargs apt-mark auto > /dev/null \\
            && {{ [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; }} \\
            && ls -lAFh "$tempDir" \\
            && ( cd "$tempDir" && dpkg-scanpackages . > Packages ) \\
            && grep '^Package: ' "$tempDir/Packages" \\
            && echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list \\
            && apt-get -o Acquire::GzipIndexes=false update \\
            ;; \\
    esac \\
    \\
    && apt-get install --no-install-recommends --no-install-suggests -y \\
                        $nginxPackages \\
                        gettext-base \\
                        curl \\
    && apt-get remove --purge --auto-remove -y && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list \\
    && if [ -n "$tempDir" ]; then \\
        apt-get purge -y --auto-remove \\
        && rm -rf "$tempDir" /etc/apt/sources.list.d/temp.list; \\
    fi \\
    && ln -sf /dev/stdout /var/log/nginx/access.log \\
    && ln -sf /dev/stderr /var/log/nginx/error.log \\
    && mkdir /docker-entrypoint.d
COPY docker-entrypoint.sh /
COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d
COPY 20-envsubst-on-templates.sh /docker-entrypoint.d
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE {port}
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
""",
    # golang multi-stage with build cache and distroless final
    """# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22.{minor}
FROM --platform=$BUILDPLATFORM golang:${{GO_VERSION}}-bookworm AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    go mod download -x
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,target=. \\
    set -eux; \\
    for cmd in server worker migrate; do \\
      CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \\
        -ldflags "-s -w -X main.version={gpg} -X main.commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \\
        -o /bin/$cmd ./cmd/$cmd; \\
    done

FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates tzdata && update-ca-certificates

FROM gcr.io/distroless/static-debian12:nonroot AS final
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=certs /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /bin/server /bin/worker /bin/migrate /bin/
USER nonroot:nonroot
EXPOSE {port}
ENTRYPOINT ["/bin/server"]
""",
]


def dockerfiles(out, count, seed):
    rnd = random.Random(seed)
    total = 0
    for i in range(count):
        tmpl = OFFICIAL[i % len(OFFICIAL)]
        text = tmpl.format(
            gpg="".join(rnd.choice("0123456789ABCDEF") for _ in range(40)),
            minor=rnd.randint(0, 9),
            port=rnd.choice([80, 8080, 8000, 9000]),
        )
        d = os.path.join(out, f"img{i:04d}")
        write(os.path.join(d, "Dockerfile"), text)
        write(os.path.join(d, "docker-entrypoint.sh"), "#!/bin/sh\nset -e\nexec \"$@\"\n")
        os.chmod(os.path.join(d, "docker-entrypoint.sh"), 0o755)
        total += len(text)
    return count, total


# ---------------------------------------------------------------------------------------------
# Many Dockerfiles sharing one build context


def shared_context(out, count, seed):
    rnd = random.Random(seed)
    os.makedirs(os.path.join(out, ".git"), exist_ok=True)
    d = os.path.join(out, "docker")
    write(os.path.join(d, "common.sh"), "#!/bin/sh\nlog() { echo \"$*\" >&2; }\n")
    os.chmod(os.path.join(d, "common.sh"), 0o755)
    # Sources at the root: part of the root context (compose-built images copy src/).
    for i in range(200):
        write(os.path.join(out, "src", f"pkg{i % 20:02d}", f"mod{i:03d}.py"), f"X = {i}\n")
    compose = ["services:"]
    for i in range(count):
        svc = f"svc-{i:04d}"
        base = rnd.choice(["debian:bookworm-slim", "alpine:3.20", "python:3.12-slim"])
        from_root = i % 10 == 0
        pre = "docker/" if from_root else ""
        extra = "COPY src/ /app/src/\n" if from_root else ""
        text = f"""FROM {base}
COPY {pre}common.sh /usr/local/lib/common.sh
COPY {pre}{svc}-entrypoint.sh /usr/local/bin/entrypoint.sh
{extra}RUN chmod +x /usr/local/bin/entrypoint.sh
USER 10001
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["--port", "{rnd.choice([80, 8080, 9000])}"]
"""
        write(os.path.join(d, f"{svc}.Dockerfile"), text)
        write(os.path.join(d, f"{svc}-entrypoint.sh"),
              f"#!/bin/sh\nset -eu\n. /usr/local/lib/common.sh\nlog starting {svc}\nexec \"$@\"\n")
        os.chmod(os.path.join(d, f"{svc}-entrypoint.sh"), 0o755)
        if from_root:
            compose.append(f"""  {svc}:
    image: registry.example.com/{svc}:1.0
    build:
      context: .
      dockerfile: docker/{svc}.Dockerfile""")
    write(os.path.join(out, "docker-compose.yml"), "\n".join(compose) + "\n")
    return count


# ---------------------------------------------------------------------------------------------
# Duplicated objects: every ConfigMap defined in 10 environment directories


def duplicated(out, services, seed):
    rnd = random.Random(seed)
    os.makedirs(os.path.join(out, ".git"), exist_ok=True)
    files = 0
    for i in range(services):
        ns = f"ns-{i // 40:03d}"
        svc = f"svc-{i:05d}"
        shared_cm = f"svc-{(i // 40) * 40 + (i + 1) % 40:05d}-env"
        defect = "missing-key" if rnd.random() < 0.01 else None
        write(os.path.join(out, "base", ns, svc, "deployment.yaml"),
              deployment(svc, ns, "python", shared_cm, rnd, defect))
        files += 1
        for env in range(10):
            write(os.path.join(out, "envs", f"env-{env}", ns, svc, "configmap.yaml"),
                  configmaps(svc, ns, rnd).replace("data:\n  REGION", "data:\n  log-level: info\n  REGION", 1))
            files += 1
    return files


# ---------------------------------------------------------------------------------------------
# One namespace with many objects


def namespace(out, objects, seed):
    rnd = random.Random(seed)
    ns = "big"
    units = max(1, objects // 5)
    write(os.path.join(out, "limitrange.yaml"), f"""apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: {ns}
spec:
  limits:
    - type: Container
      default:
        memory: 256Mi
""")
    per_file = 20
    for f0 in range(0, units, per_file):
        docs = []
        for i in range(f0, min(units, f0 + per_file)):
            svc = f"app-{i:05d}"
            cm = f"app-{(i * 7) % units:05d}-config"
            if rnd.random() < 0.01:
                cm = f"missing-{i:05d}"
            docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
  namespace: {ns}
spec:
  selector:
    matchLabels: {{app: {svc}}}
  template:
    metadata:
      labels: {{app: {svc}}}
    spec:
      serviceAccountName: {svc}
      containers:
        - name: app
          image: registry.example.com/{svc}:1.{rnd.randint(0, 9)}
          envFrom:
            - configMapRef:
                name: {cm}
            - secretRef:
                name: {svc}-secret
          volumeMounts:
            - name: cfg
              mountPath: /etc/app/settings.yaml
              subPath: settings.yaml
      volumes:
        - name: cfg
          configMap:
            name: {svc}-config
""")
            docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: {svc}
  namespace: {ns}
spec:
  selector: {{app: {svc}}}
  ports: [{{port: 80, targetPort: 8080}}]
""")
            docs.append(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {svc}-config
  namespace: {ns}
data:
  settings.yaml: "port: 8080"
""")
            docs.append(f"""apiVersion: v1
kind: Secret
metadata:
  name: {svc}-secret
  namespace: {ns}
stringData:
  TOKEN: t{i}
""")
            docs.append(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {svc}
  namespace: {ns}
""")
        write(os.path.join(out, f"objects-{f0 // per_file:05d}.yaml"), "---\n".join(docs))
    return units * 5


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("monorepo")
    m.add_argument("out")
    m.add_argument("--scale", type=int, default=1)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--services", type=int, help="number of services (default 2000 × scale)")
    d = sub.add_parser("dockerfiles")
    d.add_argument("out")
    d.add_argument("--count", type=int, default=300)
    d.add_argument("--seed", type=int, default=2)
    c = sub.add_parser("shared-context")
    c.add_argument("out")
    c.add_argument("--count", type=int, default=2000)
    c.add_argument("--seed", type=int, default=3)
    u = sub.add_parser("duplicated")
    u.add_argument("out")
    u.add_argument("--services", type=int, default=2000)
    u.add_argument("--seed", type=int, default=4)
    n = sub.add_parser("namespace")
    n.add_argument("out")
    n.add_argument("--objects", type=int, default=1000)
    n.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    if a.cmd == "shared-context":
        print(f"{a.out}: {shared_context(a.out, a.count, a.seed)} Dockerfiles in one directory")
    elif a.cmd == "duplicated":
        print(f"{a.out}: {duplicated(a.out, a.services, a.seed)} manifest files")
    elif a.cmd == "namespace":
        print(f"{a.out}: {namespace(a.out, a.objects, a.seed)} objects in one namespace")
    elif a.cmd == "monorepo":
        files, docs, svcs = monorepo(a.out, a.scale, a.seed, a.services)
        print(f"{a.out}: {files} manifest files, {docs} documents, {svcs} Dockerfiles")
    else:
        n, size = dockerfiles(a.out, a.count, a.seed)
        print(f"{a.out}: {n} Dockerfiles, {size} bytes")


if __name__ == "__main__":
    sys.exit(main())
