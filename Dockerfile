# Voice Studio image: the app (web + worker) with the trainer's Python. Two variants from one file:
#   CPU:  docker build -t voice-studio .
#   CUDA: docker build -t voice-studio:cuda --build-arg BASE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 \
#           --build-arg ORT_INSTALL=cuda12 --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu126 .
# The system packages come from scripts/setup-system.sh --runtime: the same script (and package list) that CI runs
# on bare metal. Runs as the unprivileged user `studio` (uid 10001); DATA_ROOT is /data (a volume), the model
# files are mounted read-only at /assets.
ARG BASE=debian:bookworm-slim
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS node

FROM ${BASE} AS base
# Node 20 from the official image (the CUDA base has none); npm comes with it
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
ARG TORCH_INDEX_URL=
COPY scripts/setup-system.sh /tmp/setup-system.sh
RUN apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates python3 \
 && PYTHON=/usr/bin/python3 TORCH_INDEX_URL="${TORCH_INDEX_URL}" bash /tmp/setup-system.sh --runtime \
 && rm -rf /var/lib/apt/lists/* /tmp/setup-system.sh

FROM base AS build
WORKDIR /app
ARG ORT_INSTALL=skip
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
RUN ONNXRUNTIME_NODE_INSTALL=${ORT_INSTALL} npm ci --no-audit --no-fund
COPY . .
RUN NEXT_TELEMETRY_DISABLED=1 npx next build && npm prune --omit=dev

FROM base AS app
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin studio \
 && mkdir -p /data /assets && chown studio:studio /data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
USER studio
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PYTHON=/usr/bin/python3 \
    DATA_ROOT=/data ASSETS_ROOT=/assets HOST=0.0.0.0 PORT=3000
VOLUME ["/data"]
EXPOSE 3000
# the launcher: migrations, then web (and a worker unless START_WORKER=0); `npm run worker` for a worker alone
CMD ["npm", "start"]
