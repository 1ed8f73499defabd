#!/usr/bin/env python3
"""Write the issue-11 scenario repositories: small, realistic repositories with one 127-class
defect each (`d*`) or a near miss that must not be reported as an error (`n*`).

Self-written (no corpus file copied). Each scenario names the defect's file and a unique text on
its line; `run.py` lints every scenario from its root and scores. This is a regression set, not
a substitute for scenarios kexit has never seen.

    python3 tools/measure/scenarios/gen.py OUTDIR
    python3 tools/measure/scenarios/run.py OUTDIR [KEXIT]
"""
import json
import os
import shutil
import sys

SCEN = []


def scen(name, files, defect=None, note=""):
    SCEN.append({"name": name, "files": files, "defect": defect, "note": note})


PY_REQ = "flask==3.0.3\nrequests==2.32.3\npsycopg2-binary==2.9.9\nredis==5.0.8\n"
APP_PY = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n    return 'ok'\n"
ENTRY_SH = "#!/bin/sh\nset -e\nexec \"$@\"\n"
BASH_ENTRY = "#!/bin/bash\nset -euo pipefail\necho starting\nexec \"$@\"\n"


def deploy(name, image, extra="", probe=""):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: {image}
{extra}{probe}          resources:
            requests:
              memory: 256Mi
              cpu: 100m
            limits:
              memory: 512Mi
"""


# ---------------------------------------------------------------- defects

scen("d01-apt-wget-probe", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends \\
      ca-certificates curl tzdata locales procps netcat-openbsd \\
 && rm -rf /var/lib/apt/lists/*
COPY server /usr/local/bin/server
CMD ["server"]
""",
    "server": "#!/bin/sh\nexec sleep infinity\n",
    "k8s/deploy.yaml": deploy("api", "registry.example.com/team/api:1.4.2", probe="""          livenessProbe:
            exec:
              command: ["wget", "-q", "-O-", "http://localhost:8080/healthz"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: registry.example.com/team/api\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/deploy.yaml\n",
}, ("k8s/deploy.yaml", '"wget"'))

scen("d02-alpine-bash-long-apk", {
    "Dockerfile": """FROM alpine:3.20
RUN apk add --no-cache \\
      ca-certificates \\
      tzdata \\
      curl \\
      jq \\
      openssl \\
      su-exec
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["sh"]
""",
    "docker-entrypoint.sh": BASH_ENTRY,
}, ("docker-entrypoint.sh", "#!/bin/bash"))

scen("d03-pip-r-no-gunicorn", {
    "Dockerfile": """FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
""",
    "requirements.txt": PY_REQ,
    "app.py": APP_PY,
}, ("Dockerfile", 'CMD ["gunicorn"'))

scen("d04-venv-not-on-path", {
    "Dockerfile": """FROM python:3.11-slim AS build
RUN python -m venv /opt/venv
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt gunicorn

FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
CMD ["gunicorn", "-b", ":8000", "app:app"]
""",
    "requirements.txt": PY_REQ,
    "app.py": APP_PY,
}, ("Dockerfile", 'CMD ["gunicorn"'))

scen("d05-venv-celery-k8s", {
    "Dockerfile": """FROM python:3.12-slim
RUN python3 -m venv /venv && /venv/bin/pip install --no-cache-dir celery==5.4.0 redis==5.0.8
WORKDIR /srv
COPY tasks.py .
CMD ["/venv/bin/celery", "-A", "tasks", "worker"]
""",
    "tasks.py": "from celery import Celery\napp = Celery('tasks')\n",
    "k8s/worker.yaml": deploy("worker", "ghcr.io/acme/worker:2.0", extra="""          command: ["celery", "-A", "tasks", "beat"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: ghcr.io/acme/worker\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/worker.yaml\n",
}, ("k8s/worker.yaml", '"celery"'))

scen("d06-pip-user-root-then-user", {
    "Dockerfile": """FROM python:3.12-slim
RUN pip install --user --no-cache-dir uvicorn==0.30.6 fastapi==0.115.0
RUN useradd --create-home app
USER app
WORKDIR /home/app
COPY main.py .
ENV PATH=/home/app/.local/bin:$PATH
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
""",
    "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
}, ("Dockerfile", 'CMD ["uvicorn"'))

scen("d07-go-copy-from-wrong-name", {
    "Dockerfile": """FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/ ./cmd/api

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
""",
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "go.sum": "",
    "cmd/api/main.go": "package main\n\nfunc main() {}\n",
}, ("Dockerfile", "COPY --from=build /out/server"))

scen("d08-go-build-o-file-wrong-copy", {
    "Dockerfile": """FROM golang:1.23-alpine AS builder
RUN apk add --no-cache git
WORKDIR /app
COPY . .
RUN go build -ldflags="-s -w" -o /bin/gateway ./cmd/gateway

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=builder /bin/gatewayd /usr/local/bin/gatewayd
ENTRYPOINT ["gatewayd"]
""",
    "go.mod": "module example.com/gw\n\ngo 1.23\n",
    "cmd/gateway/main.go": "package main\n\nfunc main() {}\n",
}, ("Dockerfile", "COPY --from=builder /bin/gatewayd"))

scen("d09-npm-ci-tsc-k8s", {
    "Dockerfile": """FROM node:20-slim
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
CMD ["node", "dist/index.js"]
""",
    "package.json": json.dumps({"name": "svc", "version": "1.0.0", "scripts": {"build": "tsc"},
                                "devDependencies": {"typescript": "^5.4.0"}}, indent=2) + "\n",
    "package-lock.json": "{}\n",
    "k8s/job.yaml": """apiVersion: batch/v1
kind: Job
metadata:
  name: build-check
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: tsc
          image: svc:dev
          command: ["tsc", "--noEmit"]
""",
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: svc\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/job.yaml\n",
}, ("k8s/job.yaml", '"tsc"'))

scen("d10-compose-nodemon", {
    "Dockerfile": """FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm install
COPY . .
CMD ["node", "server.js"]
""",
    "package.json": json.dumps({"name": "web", "version": "1.0.0",
                                "devDependencies": {"nodemon": "^3.1.0"}}, indent=2) + "\n",
    "server.js": "require('http').createServer((q,s)=>s.end('ok')).listen(3000)\n",
    "docker-compose.yml": """services:
  web:
    build: .
    entrypoint: ["nodemon", "server.js"]
    ports:
      - "3000:3000"
""",
}, ("docker-compose.yml", '"nodemon"'))

scen("d11-crlf-shebang", {
    "Dockerfile": """FROM debian:bookworm-slim
COPY start.sh /usr/local/bin/start.sh
RUN chmod +x /usr/local/bin/start.sh
ENTRYPOINT ["/usr/local/bin/start.sh"]
""",
    "start.sh": "#!/bin/sh\r\nset -e\r\nexec sleep infinity\r\n",
}, ("start.sh", "#!/bin/sh"))

scen("d12-chmod-0700-user", {
    "Dockerfile": """FROM ubuntu:24.04
COPY entrypoint.sh /entrypoint.sh
RUN chmod 0700 /entrypoint.sh
USER 10001
ENTRYPOINT ["/entrypoint.sh"]
""",
    "entrypoint.sh": ENTRY_SH,
}, ("Dockerfile", 'ENTRYPOINT ["/entrypoint.sh"]'))

scen("d13-tini-not-installed", {
    "Dockerfile": """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
ENTRYPOINT ["tini", "--"]
CMD ["python", "app.py"]
""",
    "app.py": "print('hi')\n",
}, ("Dockerfile", 'ENTRYPOINT ["tini"'))

scen("d14-tini-supervisord", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends tini nginx \\
 && rm -rf /var/lib/apt/lists/*
COPY nginx.conf /etc/nginx/nginx.conf
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["supervisord", "-n", "-c", "/etc/supervisord.conf"]
""",
    "nginx.conf": "events {}\n",
}, ("Dockerfile", 'CMD ["supervisord"'))

scen("d15-dumb-init-uwsgi", {
    "Dockerfile": """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends dumb-init && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENTRYPOINT ["dumb-init", "--"]
CMD ["uwsgi", "--http", ":8000", "--module", "app:app"]
""",
    "requirements.txt": "flask==3.0.3\nrequests==2.32.3\ngunicorn==22.0.0\n",
    "app.py": APP_PY,
}, ("Dockerfile", 'CMD ["uwsgi"'))

scen("d16-copy-from-never-built", {
    "Dockerfile": """FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make
WORKDIR /src
COPY hello.c .
RUN gcc -O2 -o /src/hello hello.c

FROM debian:bookworm-slim
COPY --from=build /usr/local/bin/hello /usr/local/bin/hello
CMD ["hello"]
""",
    "hello.c": "int main(void){return 0;}\n",
}, ("Dockerfile", "COPY --from=build /usr/local/bin/hello"))

scen("d17-script-in-workdir-not-path", {
    "Dockerfile": """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY run.sh .
RUN chmod +x run.sh
CMD ["run.sh"]
""",
    "requirements.txt": PY_REQ,
    "run.sh": "#!/bin/sh\nexec python -m http.server\n",
}, ("Dockerfile", 'CMD ["run.sh"]'))

scen("d18-k8s-script-no-path", {
    "Dockerfile": """FROM node:20-bookworm-slim
WORKDIR /srv
COPY package.json .
RUN npm install --omit=dev
COPY migrate.sh server.js ./
CMD ["node", "server.js"]
""",
    "package.json": json.dumps({"name": "api", "version": "1.0.0"}) + "\n",
    "server.js": "console.log(1)\n",
    "migrate.sh": "#!/bin/sh\necho migrate\n",
    "k8s/deploy.yaml": deploy("api", "api:latest", extra="""          command: ["migrate.sh"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: api\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/deploy.yaml\n",
}, ("k8s/deploy.yaml", '"migrate.sh"'))

scen("d19-alpine-py3-redis-bash", {
    "Dockerfile": """FROM alpine:3.20
RUN apk add --no-cache python3 py3-redis tzdata libpq
WORKDIR /app
COPY worker.py entrypoint.sh ./
ENTRYPOINT ["/app/entrypoint.sh"]
""",
    "worker.py": "print(1)\n",
    "entrypoint.sh": BASH_ENTRY,
}, ("entrypoint.sh", "#!/bin/bash"))

scen("d20-ubuntu-python-not-python3", {
    "Dockerfile": """FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app.py .
CMD ["python", "app.py"]
""",
    "app.py": "print(1)\n",
}, ("Dockerfile", 'CMD ["python"'))

scen("d21-script-0644", {
    "Dockerfile": """FROM debian:bookworm-slim
COPY --chmod=0644 healthcheck.sh /usr/local/bin/healthcheck.sh
COPY app /usr/local/bin/app
CMD ["app"]
HEALTHCHECK CMD ["/usr/local/bin/healthcheck.sh"]
""",
    "healthcheck.sh": "#!/bin/sh\nexit 0\n",
    "app": "#!/bin/sh\nexec sleep infinity\n",
}, ("Dockerfile", 'HEALTHCHECK CMD ["/usr/local/bin/healthcheck.sh"]'))

scen("d22-curl-probe-python-slim", {
    "Dockerfile": """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
""",
    "requirements.txt": PY_REQ,
    "app.py": APP_PY,
    "k8s/deploy.yaml": deploy("web", "web:1.0", probe="""          readinessProbe:
            exec:
              command: ["curl", "-fsS", "http://127.0.0.1:5000/"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: web\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/deploy.yaml\n",
}, ("k8s/deploy.yaml", '"curl"'))

scen("d23-pip-user-no-path", {
    "Dockerfile": """FROM python:3.12-slim
RUN useradd -m worker
USER worker
WORKDIR /home/worker
RUN pip install --user --no-cache-dir gunicorn==22.0.0 flask==3.0.3
COPY app.py .
CMD ["gunicorn", "app:app"]
""",
    "app.py": APP_PY,
}, ("Dockerfile", 'CMD ["gunicorn"'))

scen("d24-entrypoint-gosu", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN groupadd -r app && useradd -r -g app app
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY docker-entrypoint.sh /usr/local/bin/
COPY app /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["app"]
""",
    "docker-entrypoint.sh": "#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app \"$@\"\n",
    "app": "#!/bin/sh\nexec sleep infinity\n",
}, ("docker-entrypoint.sh", "exec gosu"))

scen("d25-distroless-shell-form", {
    "Dockerfile": """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app ./...

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
CMD /app --port 8080
""",
    "go.mod": "module x\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
}, ("Dockerfile", "CMD /app --port 8080"))

scen("d26-go-build-dir-wrong-cmd", {
    "Dockerfile": """FROM golang:1.22-bookworm
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/ ./cmd/server
CMD ["api-server"]
""",
    "go.mod": "module example.com/api\n\ngo 1.22\n",
    "cmd/server/main.go": "package main\n\nfunc main() {}\n",
}, ("Dockerfile", 'CMD ["api-server"]'))

scen("d27-golang-alpine-bash-script", {
    "Dockerfile": """FROM golang:1.22-alpine
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app .
COPY start.sh /start.sh
CMD ["/start.sh"]
""",
    "go.mod": "module x\n\ngo 1.22\n",
    "main.go": "package main\n\nfunc main() {}\n",
    "start.sh": BASH_ENTRY,
}, ("start.sh", "#!/bin/bash"))

scen("d28-ruby-slim-curl-probe", {
    "Dockerfile": """FROM ruby:3.3-slim
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["bundle", "exec", "puma"]
""",
    "Gemfile": "source 'https://rubygems.org'\ngem 'puma'\n",
    "Gemfile.lock": "",
    "k8s/deploy.yaml": deploy("rb", "rb:1", probe="""          livenessProbe:
            exec:
              command: ["curl", "-f", "http://localhost:9292/up"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: rb\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/deploy.yaml\n",
}, ("k8s/deploy.yaml", '"curl"'))

scen("d29-command-with-spaces", {
    "k8s/cron.yaml": """apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: python:3.12-slim
              command: ["python -m reports.daily"]
""",
}, ("k8s/cron.yaml", '"python -m reports.daily"'))

scen("d30-nginx-alpine-bash", {
    "Dockerfile": """FROM nginx:1.27-alpine
COPY default.conf /etc/nginx/conf.d/default.conf
COPY 40-env.sh /docker-entrypoint.d/40-env.sh
RUN chmod +x /docker-entrypoint.d/40-env.sh
CMD ["bash", "-c", "envsubst < /tmpl > /etc/nginx/x && nginx -g 'daemon off;'"]
""",
    "default.conf": "server { listen 80; }\n",
    "40-env.sh": "#!/bin/sh\necho ok\n",
}, ("Dockerfile", 'CMD ["bash"'))

# ---------------------------------------------------------------- near misses

scen("n01-pip-r-gunicorn-listed", {
    "Dockerfile": """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["gunicorn", "-b", ":8000", "app:app"]
""",
    "requirements.txt": PY_REQ + "gunicorn==22.0.0\n",
    "app.py": APP_PY,
})

scen("n02-venv-on-path", {
    "Dockerfile": """FROM python:3.11-slim AS build
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /app
COPY . .
CMD ["gunicorn", "-b", ":8000", "app:app"]
""",
    "requirements.txt": PY_REQ + "gunicorn\n",
    "app.py": APP_PY,
})

scen("n03-pip-user-path-set", {
    "Dockerfile": """FROM python:3.12-slim
RUN useradd -m worker
USER worker
WORKDIR /home/worker
ENV PATH=/home/worker/.local/bin:$PATH
RUN pip install --user --no-cache-dir gunicorn==22.0.0 flask==3.0.3
COPY app.py .
CMD ["gunicorn", "app:app"]
""",
    "app.py": APP_PY,
})

scen("n04-alpine-bash-installed", {
    "Dockerfile": """FROM alpine:3.20
RUN apk add --no-cache bash curl jq tzdata
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["sh"]
""",
    "docker-entrypoint.sh": BASH_ENTRY,
})

scen("n05-go-copy-right-name", {
    "Dockerfile": """FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/ ./cmd/api

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]
""",
    "go.mod": "module example.com/shop\n\ngo 1.22\n",
    "cmd/api/main.go": "package main\n\nfunc main() {}\n",
})

scen("n06-npm-global-tsc", {
    "Dockerfile": """FROM node:20-slim
RUN npm install -g typescript@5.4.5
WORKDIR /usr/src/app
COPY . .
CMD ["tsc", "--watch"]
""",
    "tsconfig.json": "{}\n",
})

scen("n07-npx-nodemon", {
    "Dockerfile": """FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm install
COPY . .
CMD ["npx", "nodemon", "server.js"]
""",
    "package.json": json.dumps({"name": "web", "devDependencies": {"nodemon": "^3.1.0"}}) + "\n",
    "server.js": "1\n",
})

scen("n08-tini-installed", {
    "Dockerfile": """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
ENTRYPOINT ["tini", "--"]
CMD ["python", "app.py"]
""",
    "app.py": "print('hi')\n",
})

scen("n09-supervisor-installed", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends supervisor nginx \\
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/bin/supervisord"]
CMD ["-n", "-c", "/etc/supervisor/supervisord.conf"]
""",
})

scen("n10-curl-installed-probe", {
    "Dockerfile": """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
CMD ["python", "app.py"]
""",
    "app.py": APP_PY,
    "k8s/deploy.yaml": deploy("web", "web:1.0", probe="""          readinessProbe:
            exec:
              command: ["curl", "-fsS", "http://127.0.0.1:5000/"]
"""),
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: web\n      context: .\nmanifests:\n  rawYaml:\n    - k8s/deploy.yaml\n",
})

scen("n11-script-chmod-in-run", {
    "Dockerfile": """FROM debian:bookworm-slim
COPY start.sh /usr/local/bin/start.sh
RUN chmod 0755 /usr/local/bin/start.sh
USER 10001
ENTRYPOINT ["/usr/local/bin/start.sh"]
""",
    "start.sh": {"text": "#!/bin/sh\nexec sleep infinity\n", "mode": 0o644},
})

scen("n12-ubuntu-python3", {
    "Dockerfile": """FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app.py .
CMD ["python3", "app.py"]
""",
    "app.py": "print(1)\n",
})

scen("n13-python-is-python3", {
    "Dockerfile": """FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends python-is-python3 && rm -rf /var/lib/apt/lists/*
COPY app.py /app.py
CMD ["python", "/app.py"]
""",
    "app.py": "print(1)\n",
})

scen("n14-gosu-installed", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN groupadd -r app && useradd -r -g app app
RUN apt-get update && apt-get install -y --no-install-recommends gosu && rm -rf /var/lib/apt/lists/*
COPY docker-entrypoint.sh /usr/local/bin/
COPY app /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["app"]
""",
    "docker-entrypoint.sh": "#!/bin/sh\nset -e\nexec gosu app \"$@\"\n",
    "app": "#!/bin/sh\nexec sleep infinity\n",
})

scen("n15-curl-sh-installer", {
    "Dockerfile": """FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL https://example.com/install.sh | sh
CMD ["mytool", "serve"]
""",
})

scen("n16-pip-unknown-package", {
    "Dockerfile": """FROM python:3.12-slim
RUN pip install --no-cache-dir acme-internal-cli==4.2.0 --extra-index-url https://pypi.acme.internal/simple
CMD ["acme", "run"]
""",
})

scen("n17-go-install", {
    "Dockerfile": """FROM golang:1.22
RUN go install github.com/air-verse/air@latest
WORKDIR /app
COPY . .
CMD ["air"]
""",
    "go.mod": "module x\n\ngo 1.22\n",
})

scen("n18-bundle-exec-puma", {
    "Dockerfile": """FROM ruby:3.3-slim
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
COPY . .
CMD ["puma", "-C", "config/puma.rb"]
""",
    "Gemfile": "source 'https://rubygems.org'\ngem 'puma'\ngem 'rails'\n",
    "Gemfile.lock": "",
})

scen("n19-entrypoint-sh-bash-debian", {
    "Dockerfile": """FROM debian:bookworm-slim
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["sleep", "infinity"]
""",
    "docker-entrypoint.sh": BASH_ENTRY,
})

scen("n20-configmap-script-0755", {
    "k8s/pod.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: scripts
data:
  run.sh: |
    #!/bin/sh
    echo hi
---
apiVersion: v1
kind: Pod
metadata:
  name: runner
spec:
  containers:
    - name: runner
      image: busybox:1.36
      command: ["/scripts/run.sh"]
      volumeMounts:
        - name: scripts
          mountPath: /scripts
  volumes:
    - name: scripts
      configMap:
        name: scripts
        defaultMode: 0755
""",
})

scen("n21-golang-alpine-apk-bash", {
    "Dockerfile": """FROM golang:1.22-alpine
RUN apk add --no-cache bash git make
WORKDIR /src
COPY . .
COPY start.sh /start.sh
CMD ["/start.sh"]
""",
    "go.mod": "module x\n\ngo 1.22\n",
    "start.sh": BASH_ENTRY,
})

scen("n22-node-docker-entrypoint-cmd", {
    "Dockerfile": """FROM node:20-slim
WORKDIR /app
COPY package.json .
RUN npm install
COPY . .
CMD ["npm", "start"]
""",
    "package.json": json.dumps({"name": "a", "scripts": {"start": "node index.js"}}) + "\n",
    "index.js": "1\n",
})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/kexit-scenarios"
    if os.path.isdir(out):
        shutil.rmtree(out)
    expected = {}
    for s in SCEN:
        root = os.path.join(out, s["name"])
        for rel, body in s["files"].items():
            mode = 0o755 if rel.endswith(".sh") or rel in ("app", "server") else 0o644
            if isinstance(body, dict):
                mode, body = body["mode"], body["text"]
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="") as f:
                f.write(body)
            os.chmod(path, mode)
        d = s["defect"]
        if d:
            rel, needle = d
            lines = s["files"][rel]
            lines = lines["text"] if isinstance(lines, dict) else lines
            hits = [i + 1 for i, l in enumerate(lines.split("\n")) if needle in l]
            assert len(hits) == 1, (s["name"], needle, hits)
            expected[s["name"]] = {"file": "./" + rel, "line": hits[0]}
        else:
            expected[s["name"]] = None
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    print(f"{len(SCEN)} scenarios in {out}")


if __name__ == "__main__":
    main()
