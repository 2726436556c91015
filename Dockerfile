# kongtel container image: compiled JavaScript on Node 20, production dependencies only, non-root.
#   docker build -t kongtel .
#   docker run -p 8080:8080 -p 9464:9464 -p 13133:13133 kongtel
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY cmd cmd
COPY core core
COPY receivers receivers
COPY processors processors
COPY exporters exporters
COPY extensions extensions
COPY bench bench
RUN npm ci --ignore-scripts && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# glibc keeps freed request buffers otherwise, and RSS (what memory_limiter and the OOM killer see) stays high.
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json pipelines.yaml ./
# The default pipeline listens on all interfaces; override with KONGTEL_* variables or a mounted config.
ENV KONGTEL_SELF_METRICS_ENDPOINT=0.0.0.0:8888
# /var/lib/kongtel/file_storage is where a bare `file_storage:` extension keeps its files (extensions/file_storage);
# it must exist (create_directory defaults to false, as in the Collector) and be the node user's.
RUN mkdir -p /var/lib/kongtel && mkdir -p -m 0750 /var/lib/kongtel/file_storage && chown -R node:node /var/lib/kongtel
USER node
EXPOSE 8080 9464 13133 8888
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:13133/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cmd/kongtel.js"]
CMD ["--config", "/app/pipelines.yaml"]
