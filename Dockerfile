# The emulator as a container for CI services (GitHub Actions `services:`, docker compose).
# Inside a container the emulator must listen on all interfaces to be reachable through the
# published port; outside one it binds to 127.0.0.1 by default.
FROM node:20-bookworm-slim

# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY server ./server
COPY fixtures ./fixtures

ENV VMM_EMULATOR_HOST=0.0.0.0 \
    VMM_EMULATOR_PORT=5000 \
    VMM_EMULATOR_DB=/data/emulator.sqlite
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 5000
USER node
CMD ["node", "--import", "tsx", "server/cli.ts"]
