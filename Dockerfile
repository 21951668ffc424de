# The emulator as a container for CI (docker compose, GitHub Actions services), in place of a
# Virtual DSM container: DSM's HTTP 5000 and HTTPS 5001, `GET /` for the health check, state on
# the /data volume. Two stages: build with every dependency, then run with the production
# dependencies and dist/ only, as the unprivileged `node` user. It builds from a clone or from
# the installed package (which ships this file and its sources, but no package-lock.json).
#
# The control plane (/__admin: reset, faults, the clock) is on, without a token
# (VMM_EMULATOR_ADMIN_OPEN), as a CI job's emulator needs it; the Host check (DNS rebinding) and
# the browser guard still apply. On a network others share, give it a token:
#   -e VMM_EMULATOR_ADMIN_TOKEN=...   (or VMM_EMULATOR_ADMIN_TOKEN_FILE=/run/secrets/...)
# or switch it off (-e VMM_EMULATOR_ADMIN=false: / then shows a read-only view).
# Accounts for the client under test: -e VMM_EMULATOR_ACCOUNTS=terraform:Syn0logy:admin
#
# test/packaging/docker.test.ts runs these steps in a scratch folder (no Docker engine runs on
# the development machines): keep every RUN a plain shell command.

FROM node:20-bookworm-slim AS build
# better-sqlite3 downloads a prebuilt binary; where none matches, it compiles one with these.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lock file is in a clone, not in the package (npm never packs it): `npm ci` where it is.
COPY package.json package-lock.json* ./
# Scripts off, or the project's prepare would build before the sources are copied; then
# better-sqlite3's install script alone.
RUN if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund; else npm install --ignore-scripts --no-audit --no-fund; fi \
  && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY contract ./contract
COPY server ./server
COPY conformance ./conformance
COPY fixtures ./fixtures
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production \
    VMM_EMULATOR_HOST=0.0.0.0 \
    VMM_EMULATOR_PORT=5000 \
    VMM_EMULATOR_HTTPS_PORT=5001 \
    VMM_EMULATOR_DB=/data/emulator.sqlite \
    VMM_EMULATOR_ADMIN=true \
    VMM_EMULATOR_ADMIN_OPEN=true
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 5000 5001
USER node
# The slim image has no curl: Node's fetch asks for /health (answered with or without the
# control plane, and without its token).
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.VMM_EMULATOR_PORT||5000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server/cli.js"]
