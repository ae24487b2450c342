# One image for both processes: `npm run worker` and `npm run server` (see docker-compose.yml, deploy/kubernetes/).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# glibc gives each thread that allocates (Node's, and the Temporal core's Rust runtime) its own malloc arena, up to
# 8 per core, and arenas fragment: two are enough here and keep ~30 MB of the worker's RSS away (BENCHMARKS.md).
ENV MALLOC_ARENA_MAX=2
# The font metric charts are drawn with.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY core ./core
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY server ./server
COPY db ./db
COPY migrations ./migrations
COPY tsconfig.json ./
COPY scripts/run-built.mjs ./scripts/
# npm run worker / server run the JavaScript transpiled here; at start they find it current and write nothing.
RUN npm run build
USER node
EXPOSE 3000
CMD ["npm", "run", "server"]
