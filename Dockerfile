# syntax=docker/dockerfile:1
# Tillstream API image: docker build -t tillstream .
# No Docker engine runs on our development machines; this file is kept right by
# the Node.js image's documentation and by `npm run build` / `npm run start:prod`.

# --- build: compile TypeScript to dist/ (main at dist/src/main.js) -------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only --------------
FROM node:20-bookworm-slim AS runtime
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
CMD ["node", "dist/src/main.js"]
