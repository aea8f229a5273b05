# syntax=docker/dockerfile:1
# The gateway as an image: `docker build -t whatsapp-groups-gateway .`
# The same image runs the sandbox (Graph API emulator) with `node dist/src/sandbox/main.js`: see compose.yaml.

# --- build: every dependency, compile TypeScript to dist/ ---
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only ---
FROM node:20.20-bookworm-slim AS runtime
# MALLOC_ARENA_MAX=2: glibc otherwise gives each libuv thread (file I/O of spooled uploads) its own
# malloc arena; bench (e), 20 uploads at a time, peak RSS growth 60 → 50 MiB.
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The node image's unprivileged user (uid 1000): nothing in /app is writable by it.
USER node
EXPOSE 4000
# node's own fetch: the slim image has no curl or wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1, not npm: npm does not pass SIGTERM on, and graceful shutdown needs it.
CMD ["node", "dist/src/main.js"]
