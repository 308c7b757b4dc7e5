# syntax=docker/dockerfile:1
# Tillstream API image: docker build -t tillstream:0.1.0 .
# No Docker engine runs on our development machines; this file is kept right by the Node.js
# image's documentation and by running what it runs: `npm ci --omit=dev` beside the output of
# `npm run build`, then `node dist/src/main.js` and `node dist/src/cli.js` (README "Deployment").

# The exact Node.js release (the one our machines and CI run); an upgrade is a reviewed change.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- build: compile TypeScript to dist/ (main at dist/src/main.js) -------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Migrations are TypeScript modules imported by src/infrastructure/postgres/migrate.ts, so the
# compiled dist/ carries them: nothing is read from disk at run time.
RUN npm run build

# --- runtime: production dependencies and the compiled code only --------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# `tsx` is among the production dependencies only because `npm start` uses it in
# development; the image runs plain node on the compiled code.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Writable only for a demo run with NODE_ENV=development (embedded PGlite in ./.data);
# production refuses the embedded database and needs DATABASE_URL.
RUN mkdir .data && chown node:node .data

# The code stays owned by root: the process can read it, not change it.
USER node
EXPOSE 3000
# Liveness only; /ready also checks the event store and answers 503 while it is unreachable.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful shutdown within SHUTDOWN_GRACE_MS).
# The operations CLI runs from the same image: node dist/src/cli.js <command> (help lists them).
CMD ["node", "dist/src/main.js"]
