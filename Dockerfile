# syntax=docker/dockerfile:1
# Multi-stage build: compile in a full image, run the compiled gateway as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The install generates the Prisma client (postinstall), which needs the schema and its script.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# A `worker` container serves no API: WORKER_METRICS_PORT gives it /healthz (the HEALTHCHECK below)
# and /metrics on the same port; `serve` and `start` ignore it.
ENV NODE_ENV=production \
    PORT=8080 \
    WORKER_METRICS_PORT=8080 \
    GATEHOUSE_DATA_DIR=/app/data
WORKDIR /app
RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --home-dir /app --shell /usr/sbin/nologin gatehouse
# Code and dependencies stay owned by root: the running user can read them, not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /app/data && chown gatehouse:gatehouse /app/data
USER gatehouse
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/gatehouse.js"]
# Production runs `serve` (API nodes) and `worker` against Postgres and Redis, after `migrate`.
CMD ["serve"]
