# One image for both processes: `npm run worker` and `npm run server` (see docker-compose.yml, deploy/kubernetes/).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
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
