# The hub's container image (docs/decisions/0022). Multi-stage: the build stage installs everything
# and compiles (hub/dist, web/dist, outlook-addin/dist); the runtime stage installs production
# dependencies only and runs the compiled hub as the unprivileged user `node`.
# Janus is optional: build with --build-arg WITH_JANUS=1 to embed it (media without a JANUS_URLS pool).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM ${NODE_IMAGE} AS runtime
ARG WITH_JANUS=0
RUN if [ "$WITH_JANUS" = "1" ]; then \
      apt-get update && apt-get install -y --no-install-recommends janus && rm -rf /var/lib/apt/lists/*; \
    fi
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/var/lib/vchub
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY hub/package.json hub/
COPY conference-core/package.json conference-core/
COPY web/package.json web/
COPY tests/package.json tests/
COPY outlook-addin/package.json outlook-addin/
COPY connectors/sdk/package.json connectors/sdk/
COPY connectors/ucs/package.json connectors/ucs/
COPY connectors/a12/package.json connectors/a12/
COPY connectors/microsoft365/package.json connectors/microsoft365/
COPY connectors/innovaphone/package.json connectors/innovaphone/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/hub/run.mjs hub/
COPY --from=build /app/hub/dist hub/dist
COPY --from=build /app/web/dist web/dist
COPY --from=build /app/outlook-addin/dist outlook-addin/dist
COPY --from=build /app/innovaphone-app innovaphone-app
RUN mkdir -p /var/lib/vchub && chown node:node /var/lib/vchub
USER node
VOLUME /var/lib/vchub
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "hub/run.mjs", "main"]
