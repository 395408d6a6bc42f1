# One image for the API, the scheduler and the portal (docker-compose.yml picks the command).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source (SQLite stays available for single-machine installs).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
COPY resources ./resources
RUN npm run build && NEXT_TELEMETRY_DISABLED=1 npm run build:portal && rm -rf apps/portal/.next/cache && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/resources ./resources
COPY --from=build /app/apps/portal/.next ./apps/portal/.next
COPY --from=build /app/apps/portal/next.config.mjs ./apps/portal/next.config.mjs
# data/ (models, the Spot Advisor copy) belongs to node, so a volume mounted there starts writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV NEXT_TELEMETRY_DISABLED=1
EXPOSE 8000 3000
CMD ["node", "dist/apps/api/src/main.js"]
